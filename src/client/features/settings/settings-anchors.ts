/** Fixed anchors inside the settings page, for links from elsewhere (the low-space banner links to the backup). */
export const BACKUP_SECTION_ID = 'sao-luu';
