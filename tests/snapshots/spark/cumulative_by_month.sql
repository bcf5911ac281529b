-- :param_1 = DATE '2025-01-01'
-- :param_2 = DATE '2025-06-16'
-- :param_3 = DATE '2025-01-01'
-- :param_4 = DATE '2025-06-16'
-- :param_5 = DATE '2025-01-01'
-- :param_6 = DATE '2025-01-31'
-- :param_7 = DATE '2025-01-01'
-- :param_8 = DATE '2025-02-01'
-- :param_9 = DATE '2025-02-28'
-- :param_10 = DATE '2025-01-01'
-- :param_11 = DATE '2025-03-01'
-- :param_12 = DATE '2025-03-31'
-- :param_13 = DATE '2025-01-01'
-- :param_14 = DATE '2025-04-01'
-- :param_15 = DATE '2025-04-30'
-- :param_16 = DATE '2025-04-01'
-- :param_17 = DATE '2025-05-01'
-- :param_18 = DATE '2025-05-31'
-- :param_19 = DATE '2025-04-01'
-- :param_20 = DATE '2025-06-01'
-- :param_21 = DATE '2025-06-15'
-- :param_22 = DATE '2025-04-01'
-- :param_23 = DATE '2024-11-03'
-- :param_24 = DATE '2025-06-16'
-- :param_25 = DATE '2025-01-01'
-- :param_26 = DATE '2025-01-31'
-- :param_27 = DATE '2024-11-03'
-- :param_28 = DATE '2025-02-01'
-- :param_29 = DATE '2025-02-28'
-- :param_30 = DATE '2024-12-01'
-- :param_31 = DATE '2025-03-01'
-- :param_32 = DATE '2025-03-31'
-- :param_33 = DATE '2025-01-01'
-- :param_34 = DATE '2025-04-01'
-- :param_35 = DATE '2025-04-30'
-- :param_36 = DATE '2025-01-31'
-- :param_37 = DATE '2025-05-01'
-- :param_38 = DATE '2025-05-31'
-- :param_39 = DATE '2025-03-03'
-- :param_40 = DATE '2025-06-01'
-- :param_41 = DATE '2025-06-15'
-- :param_42 = DATE '2025-03-18'
-- :param_43 = DATE '2025-01-01'
-- :param_44 = DATE '2025-02-01'
-- :param_45 = DATE '2025-03-01'
-- :param_46 = DATE '2025-04-01'
-- :param_47 = DATE '2025-05-01'
-- :param_48 = DATE '2025-06-01'
WITH opportunity_by_closed_at AS /* read opportunity rows for opportunity.closed_at, won_amount */
/* keep opportunity rows meeting closed_at in the time range; the terms and filters of the measures */
/* aggregate won_amount per month of opportunity.closed_at */ 
(SELECT CAST(date_trunc('month', CAST(opportunity.closed_at AS DATE)) AS DATE) AS period, sum(opportunity.amount) AS won_amount 
FROM opportunities AS opportunity 
WHERE opportunity.closed_at >= :param_1 AND opportunity.closed_at < :param_2 AND opportunity.is_won GROUP BY 1), 
opportunity_by_closed_at_daily_quarter_to_date AS /* read opportunity rows for opportunity.closed_at, won_amount */
/* keep opportunity rows meeting closed_at in the time range moved back to the first day a shown value reads; the terms and filters of the measures */
/* aggregate bookings_qtd__won_amount per day of opportunity.closed_at */ 
(SELECT CAST(CAST(opportunity.closed_at AS DATE) AS DATE) AS period, sum(opportunity.amount) AS bookings_qtd__won_amount 
FROM opportunities AS opportunity 
WHERE opportunity.closed_at >= :param_3 AND opportunity.closed_at < :param_4 AND opportunity.is_won GROUP BY 1), 
opportunity_quarter_to_date_by_closed_at AS /* sum bookings_qtd__won_amount over quarter to date, for each month period on its last day */ 
(SELECT reads.period AS period, sum(opportunity_by_closed_at_daily_quarter_to_date.bookings_qtd__won_amount) AS bookings_qtd__won_amount 
FROM (SELECT periods.period AS period, periods.read_on AS read_on, periods.reach_from AS reach_from 
FROM (VALUES (:param_5, :param_6, :param_7), (:param_8, :param_9, :param_10), (:param_11, :param_12, :param_13), (:param_14, :param_15, :param_16), (:param_17, :param_18, :param_19), (:param_20, :param_21, :param_22)) AS periods (period, read_on, reach_from)) AS reads LEFT OUTER JOIN opportunity_by_closed_at_daily_quarter_to_date ON opportunity_by_closed_at_daily_quarter_to_date.period <= reads.read_on AND opportunity_by_closed_at_daily_quarter_to_date.period >= reads.reach_from GROUP BY 1), 
opportunity_by_created_at_daily_90_days AS /* read opportunity rows for opportunity.created_at, created_amount */
/* keep opportunity rows meeting created_at in the time range moved back to the first day a shown value reads */
/* aggregate pipeline_created_90d__created_amount per day of opportunity.created_at */ 
(SELECT CAST(CAST(opportunity.created_at AS DATE) AS DATE) AS period, sum(opportunity.amount) AS pipeline_created_90d__created_amount 
FROM opportunities AS opportunity 
WHERE opportunity.created_at >= :param_23 AND opportunity.created_at < :param_24 GROUP BY 1), 
opportunity_90_days_by_created_at AS /* sum pipeline_created_90d__created_amount over the trailing 90 days, for each month period on its last day */ 
(SELECT reads.period AS period, sum(opportunity_by_created_at_daily_90_days.pipeline_created_90d__created_amount) AS pipeline_created_90d__created_amount 
FROM (SELECT periods.period AS period, periods.read_on AS read_on, periods.reach_from AS reach_from 
FROM (VALUES (:param_25, :param_26, :param_27), (:param_28, :param_29, :param_30), (:param_31, :param_32, :param_33), (:param_34, :param_35, :param_36), (:param_37, :param_38, :param_39), (:param_40, :param_41, :param_42)) AS periods (period, read_on, reach_from)) AS reads LEFT OUTER JOIN opportunity_by_created_at_daily_90_days ON opportunity_by_created_at_daily_90_days.period <= reads.read_on AND opportunity_by_created_at_daily_90_days.period >= reads.reach_from GROUP BY 1), 
spine AS /* the 6 month periods of the time range */ 
(SELECT periods.period AS period 
FROM (VALUES (:param_43), (:param_44), (:param_45), (:param_46), (:param_47), (:param_48)) AS periods (period)), 
combined AS /* combine opportunity_by_closed_at, opportunity_quarter_to_date_by_closed_at, opportunity_90_days_by_created_at on period, every period of the spine included */ 
(SELECT spine.period AS period, opportunity_by_closed_at.won_amount AS won_amount, opportunity_quarter_to_date_by_closed_at.bookings_qtd__won_amount AS bookings_qtd__won_amount, opportunity_90_days_by_created_at.pipeline_created_90d__created_amount AS pipeline_created_90d__created_amount 
FROM spine LEFT OUTER JOIN opportunity_by_closed_at ON spine.period IS NOT DISTINCT FROM opportunity_by_closed_at.period LEFT OUTER JOIN opportunity_quarter_to_date_by_closed_at ON spine.period IS NOT DISTINCT FROM opportunity_quarter_to_date_by_closed_at.period LEFT OUTER JOIN opportunity_90_days_by_created_at ON spine.period IS NOT DISTINCT FROM opportunity_90_days_by_created_at.period)
 SELECT /* compute bookings, bookings_qtd, pipeline_created_90d; order by period */ combined.period AS period, COALESCE(won_amount, 0) AS bookings, COALESCE(bookings_qtd__won_amount, 0) AS bookings_qtd, COALESCE(pipeline_created_90d__created_amount, 0) AS pipeline_created_90d 
FROM combined ORDER BY combined.period ASC NULLS LAST
