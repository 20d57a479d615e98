/**
 * The accounts contract: roles, the login request and answer, and `Me` (who is logged in and which areas they
 * may see). The server validates and answers with these; the device checks answers against them.
 */
import * as z from 'zod/mini';

export const ROLES = ['admin', 'coordinator', 'team-leader', 'volunteer'] as const;
export type Role = (typeof ROLES)[number];

export const loginRequestSchema = z.strictObject({
  phone: z.string().check(z.minLength(1, 'required'), z.maxLength(32, 'tooLong')),
  password: z.string().check(z.minLength(1, 'required'), z.maxLength(200, 'tooLong')),
});

export const scopeSchema = z.union([
  z.object({ kind: z.literal('all') }),
  z.object({ kind: z.literal('province'), province: z.string() }),
  z.object({ kind: z.literal('communes'), communes: z.array(z.string()) }),
]);

export const meSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** Masked ("0912•••678"): the person knows their own number; screens do not need it whole. */
  phone: z.string(),
  role: z.enum(ROLES),
  scope: scopeSchema,
  scopeLabel: z.string(),
  teamId: z.nullable(z.string()),
});
export type Me = z.output<typeof meSchema>;

export const loginResponseSchema = z.object({ token: z.string(), expiresAt: z.string(), user: meSchema });
export const meResponseSchema = z.object({ user: meSchema });
