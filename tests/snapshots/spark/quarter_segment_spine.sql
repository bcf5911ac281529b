-- :param_1 = DATE '2025-01-01'
-- :param_2 = DATE '2026-01-01'
-- :param_3 = DATE '2025-01-01'
-- :param_4 = DATE '2026-01-01'
-- :param_5 = DATE '2025-01-01'
-- :param_6 = DATE '2025-04-01'
-- :param_7 = DATE '2025-07-01'
-- :param_8 = DATE '2025-10-01'
WITH opportunity_by_closed_at AS /* read opportunity rows for opportunity.closed_at, won_amount */
/* read account rows for account.segment */
/* join opportunity to account along account (many-to-one, so no opportunity row repeats) */
/* keep opportunity rows meeting closed_at in the time range; the terms and filters of the measures */
/* aggregate won_amount per quarter of opportunity.closed_at, account.segment */ 
(SELECT CAST(date_trunc('quarter', CAST(opportunity.closed_at AS DATE)) AS DATE) AS period, account.segment AS account__segment, sum(opportunity.amount) AS won_amount 
FROM opportunities AS opportunity LEFT OUTER JOIN accounts AS account ON opportunity.account_id = account.account_id 
WHERE opportunity.closed_at >= :param_1 AND opportunity.closed_at < :param_2 AND opportunity.is_won GROUP BY 1, 2), 
opportunity_by_close_date AS /* read opportunity rows for opportunity.close_date, open_amount */
/* read account rows for account.segment */
/* join opportunity to account along account (many-to-one, so no opportunity row repeats) */
/* keep opportunity rows meeting close_date in the time range; the terms and filters of the measures */
/* aggregate open_amount per quarter of opportunity.close_date, account.segment */ 
(SELECT CAST(date_trunc('quarter', CAST(opportunity.close_date AS DATE)) AS DATE) AS period, account.segment AS account__segment, sum(opportunity.amount) AS open_amount 
FROM opportunities AS opportunity LEFT OUTER JOIN accounts AS account ON opportunity.account_id = account.account_id 
WHERE opportunity.close_date >= :param_3 AND opportunity.close_date < :param_4 AND (NOT opportunity.is_closed) GROUP BY 1, 2), 
spine AS /* the 4 quarter periods of the time range */ 
(SELECT periods.period AS period 
FROM (VALUES (:param_5), (:param_6), (:param_7), (:param_8)) AS periods (period)), 
combined AS /* combine opportunity_by_closed_at, opportunity_by_close_date on period, account.segment, every period of the spine included */ 
(SELECT keys.period AS period, keys.account__segment AS account__segment, opportunity_by_closed_at.won_amount AS won_amount, opportunity_by_close_date.open_amount AS open_amount 
FROM (SELECT spine.period AS period, dimension_values.account__segment AS account__segment 
FROM spine JOIN (SELECT opportunity_by_closed_at.account__segment AS account__segment 
FROM opportunity_by_closed_at UNION SELECT opportunity_by_close_date.account__segment AS account__segment 
FROM opportunity_by_close_date) AS dimension_values ON true) AS keys LEFT OUTER JOIN opportunity_by_closed_at ON keys.period IS NOT DISTINCT FROM opportunity_by_closed_at.period AND keys.account__segment IS NOT DISTINCT FROM opportunity_by_closed_at.account__segment LEFT OUTER JOIN opportunity_by_close_date ON keys.period IS NOT DISTINCT FROM opportunity_by_close_date.period AND keys.account__segment IS NOT DISTINCT FROM opportunity_by_close_date.account__segment)
 SELECT /* compute bookings, open_pipeline; order by period, account.segment */ combined.period AS period, combined.account__segment AS `account.segment`, COALESCE(won_amount, 0) AS bookings, COALESCE(open_amount, 0) AS open_pipeline 
FROM combined ORDER BY combined.period ASC NULLS LAST, combined.account__segment ASC NULLS LAST
