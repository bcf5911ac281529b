-- $1 = DATE '2025-01-01'
-- $2 = DATE '2025-06-16'
-- $3 = DATE '2025-01-01'
-- $4 = DATE '2025-06-16'
-- $5 = [DATE '2025-01-01', DATE '2025-02-01', DATE '2025-03-01', DATE '2025-04-01', DATE '2025-05-01', DATE '2025-06-01']
-- $6 = [DATE '2025-01-31', DATE '2025-02-28', DATE '2025-03-31', DATE '2025-04-30', DATE '2025-05-31', DATE '2025-06-15']
-- $7 = [DATE '2025-01-01', DATE '2025-01-01', DATE '2025-01-01', DATE '2025-04-01', DATE '2025-04-01', DATE '2025-04-01']
-- $8 = DATE '2024-11-03'
-- $9 = DATE '2025-06-16'
-- $10 = [DATE '2025-01-01', DATE '2025-02-01', DATE '2025-03-01', DATE '2025-04-01', DATE '2025-05-01', DATE '2025-06-01']
-- $11 = [DATE '2025-01-31', DATE '2025-02-28', DATE '2025-03-31', DATE '2025-04-30', DATE '2025-05-31', DATE '2025-06-15']
-- $12 = [DATE '2024-11-03', DATE '2024-12-01', DATE '2025-01-01', DATE '2025-01-31', DATE '2025-03-03', DATE '2025-03-18']
-- $13 = [DATE '2025-01-01', DATE '2025-02-01', DATE '2025-03-01', DATE '2025-04-01', DATE '2025-05-01', DATE '2025-06-01']
WITH opportunity_by_closed_at AS /* read opportunity rows for opportunity.closed_at, won_amount */
/* keep opportunity rows meeting closed_at in the time range; the terms and filters of the measures */
/* aggregate won_amount per month of opportunity.closed_at */ 
(SELECT CAST(date_trunc('month', CAST(opportunity.closed_at AS DATE)) AS DATE) AS period, sum(opportunity.amount) AS won_amount 
FROM opportunities AS opportunity 
WHERE opportunity.closed_at >= $1 AND opportunity.closed_at < $2 AND opportunity.is_won GROUP BY 1), 
opportunity_by_closed_at_daily_quarter_to_date AS /* read opportunity rows for opportunity.closed_at, won_amount */
/* keep opportunity rows meeting closed_at in the time range moved back to the first day a shown value reads; the terms and filters of the measures */
/* aggregate bookings_qtd__won_amount per day of opportunity.closed_at */ 
(SELECT CAST(CAST(opportunity.closed_at AS DATE) AS DATE) AS period, sum(opportunity.amount) AS bookings_qtd__won_amount 
FROM opportunities AS opportunity 
WHERE opportunity.closed_at >= $3 AND opportunity.closed_at < $4 AND opportunity.is_won GROUP BY 1), 
opportunity_quarter_to_date_by_closed_at AS /* sum bookings_qtd__won_amount over quarter to date, for each month period on its last day */ 
(SELECT reads.period AS period, sum(opportunity_by_closed_at_daily_quarter_to_date.bookings_qtd__won_amount) AS bookings_qtd__won_amount 
FROM (SELECT unnest($5) AS period, unnest($6) AS read_on, unnest($7) AS reach_from) AS reads LEFT OUTER JOIN opportunity_by_closed_at_daily_quarter_to_date ON opportunity_by_closed_at_daily_quarter_to_date.period <= reads.read_on AND opportunity_by_closed_at_daily_quarter_to_date.period >= reads.reach_from GROUP BY 1), 
opportunity_by_created_at_daily_90_days AS /* read opportunity rows for opportunity.created_at, created_amount */
/* keep opportunity rows meeting created_at in the time range moved back to the first day a shown value reads */
/* aggregate pipeline_created_90d__created_amount per day of opportunity.created_at */ 
(SELECT CAST(CAST(opportunity.created_at AS DATE) AS DATE) AS period, sum(opportunity.amount) AS pipeline_created_90d__created_amount 
FROM opportunities AS opportunity 
WHERE opportunity.created_at >= $8 AND opportunity.created_at < $9 GROUP BY 1), 
opportunity_90_days_by_created_at AS /* sum pipeline_created_90d__created_amount over the trailing 90 days, for each month period on its last day */ 
(SELECT reads.period AS period, sum(opportunity_by_created_at_daily_90_days.pipeline_created_90d__created_amount) AS pipeline_created_90d__created_amount 
FROM (SELECT unnest($10) AS period, unnest($11) AS read_on, unnest($12) AS reach_from) AS reads LEFT OUTER JOIN opportunity_by_created_at_daily_90_days ON opportunity_by_created_at_daily_90_days.period <= reads.read_on AND opportunity_by_created_at_daily_90_days.period >= reads.reach_from GROUP BY 1), 
spine AS /* the 6 month periods of the time range */ 
(SELECT unnest($13) AS period), 
combined AS /* combine opportunity_by_closed_at, opportunity_quarter_to_date_by_closed_at, opportunity_90_days_by_created_at on period, every period of the spine included */ 
(SELECT spine.period AS period, opportunity_by_closed_at.won_amount AS won_amount, opportunity_quarter_to_date_by_closed_at.bookings_qtd__won_amount AS bookings_qtd__won_amount, opportunity_90_days_by_created_at.pipeline_created_90d__created_amount AS pipeline_created_90d__created_amount 
FROM spine LEFT OUTER JOIN opportunity_by_closed_at ON spine.period IS NOT DISTINCT FROM opportunity_by_closed_at.period LEFT OUTER JOIN opportunity_quarter_to_date_by_closed_at ON spine.period IS NOT DISTINCT FROM opportunity_quarter_to_date_by_closed_at.period LEFT OUTER JOIN opportunity_90_days_by_created_at ON spine.period IS NOT DISTINCT FROM opportunity_90_days_by_created_at.period)
 SELECT /* compute bookings, bookings_qtd, pipeline_created_90d; order by period */ combined.period AS period, COALESCE(won_amount, 0) AS bookings, COALESCE(bookings_qtd__won_amount, 0) AS bookings_qtd, COALESCE(pipeline_created_90d__created_amount, 0) AS pipeline_created_90d 
FROM combined ORDER BY combined.period ASC NULLS LAST
