-- param_1 = DATE '2025-01-01'
-- param_2 = DATE '2025-04-01'
-- param_3 = DATE '2025-07-01'
-- param_4 = DATE '2025-10-01'
-- param_5 = DATE '2025-01-01'
-- param_6 = DATE '2026-01-01'
-- param_7 = DATE '2025-01-01'
-- param_8 = DATE '2026-01-01'
WITH opportunity_by_closed_at AS 
(SELECT CAST(DATE_TRUNC('quarter', CAST(opportunity.closed_at AS DATE)) AS DATE) AS period, account.segment AS account__segment, sum(opportunity.amount) AS won_amount 
FROM opportunities AS opportunity LEFT OUTER JOIN accounts AS account ON opportunity.account_id = account.account_id 
WHERE opportunity.closed_at >= %(param_5)s AND opportunity.closed_at < %(param_6)s AND opportunity.is_won GROUP BY 1, 2), 
opportunity_by_close_date AS 
(SELECT CAST(DATE_TRUNC('quarter', CAST(opportunity.close_date AS DATE)) AS DATE) AS period, account.segment AS account__segment, sum(opportunity.amount) AS open_amount 
FROM opportunities AS opportunity LEFT OUTER JOIN accounts AS account ON opportunity.account_id = account.account_id 
WHERE opportunity.close_date >= %(param_7)s AND opportunity.close_date < %(param_8)s AND (NOT opportunity.is_closed) GROUP BY 1, 2), 
keys AS 
(SELECT spine.period AS period, dimension_values.account__segment AS account__segment 
FROM (SELECT CAST(%(param_1)s AS DATE) AS period UNION ALL SELECT CAST(%(param_2)s AS DATE) AS period UNION ALL SELECT CAST(%(param_3)s AS DATE) AS period UNION ALL SELECT CAST(%(param_4)s AS DATE) AS period) AS spine JOIN (SELECT opportunity_by_closed_at.account__segment AS account__segment 
FROM opportunity_by_closed_at UNION SELECT opportunity_by_close_date.account__segment AS account__segment 
FROM opportunity_by_close_date) AS dimension_values ON true)
 SELECT keys.period AS period, keys.account__segment AS "account.segment", COALESCE(won_amount, 0) AS bookings, COALESCE(open_amount, 0) AS open_pipeline 
FROM keys LEFT OUTER JOIN opportunity_by_closed_at ON keys.period IS NOT DISTINCT FROM opportunity_by_closed_at.period AND keys.account__segment IS NOT DISTINCT FROM opportunity_by_closed_at.account__segment LEFT OUTER JOIN opportunity_by_close_date ON keys.period IS NOT DISTINCT FROM opportunity_by_close_date.period AND keys.account__segment IS NOT DISTINCT FROM opportunity_by_close_date.account__segment ORDER BY keys.period ASC NULLS LAST, keys.account__segment ASC NULLS LAST
