-- 0007: the aggregator no longer stages digests in agg_stage (0005). Never edit once landed.
--
-- Since 2026-11-23 (README Decision 32) the totals' catch-up sums each recomputed household's old and new digest in
-- JavaScript and writes only the sums; agg_stage has been written by nothing since, and is emptied within every
-- transaction that ever used it, so it holds no data to keep.
DROP TABLE agg_stage;
