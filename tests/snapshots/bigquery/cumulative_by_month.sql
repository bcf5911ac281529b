-- @param_1 = TIMESTAMP '2025-01-01 00:00:00'
-- @param_2 = TIMESTAMP '2025-06-16 00:00:00'
-- @param_3 = TIMESTAMP '2025-01-01 00:00:00'
-- @param_4 = TIMESTAMP '2025-06-16 00:00:00'
-- @param_5 = DATE '2025-01-01'
-- @param_6 = DATE '2025-01-31'
-- @param_7 = DATE '2025-01-01'
-- @param_8 = DATE '2025-02-01'
-- @param_9 = DATE '2025-02-28'
-- @param_10 = DATE '2025-01-01'
-- @param_11 = DATE '2025-03-01'
-- @param_12 = DATE '2025-03-31'
-- @param_13 = DATE '2025-01-01'
-- @param_14 = DATE '2025-04-01'
-- @param_15 = DATE '2025-04-30'
-- @param_16 = DATE '2025-04-01'
-- @param_17 = DATE '2025-05-01'
-- @param_18 = DATE '2025-05-31'
-- @param_19 = DATE '2025-04-01'
-- @param_20 = DATE '2025-06-01'
-- @param_21 = DATE '2025-06-15'
-- @param_22 = DATE '2025-04-01'
-- @param_23 = TIMESTAMP '2024-11-03 00:00:00'
-- @param_24 = TIMESTAMP '2025-06-16 00:00:00'
-- @param_25 = DATE '2025-01-01'
-- @param_26 = DATE '2025-01-31'
-- @param_27 = DATE '2024-11-03'
-- @param_28 = DATE '2025-02-01'
-- @param_29 = DATE '2025-02-28'
-- @param_30 = DATE '2024-12-01'
-- @param_31 = DATE '2025-03-01'
-- @param_32 = DATE '2025-03-31'
-- @param_33 = DATE '2025-01-01'
-- @param_34 = DATE '2025-04-01'
-- @param_35 = DATE '2025-04-30'
-- @param_36 = DATE '2025-01-31'
-- @param_37 = DATE '2025-05-01'
-- @param_38 = DATE '2025-05-31'
-- @param_39 = DATE '2025-03-03'
-- @param_40 = DATE '2025-06-01'
-- @param_41 = DATE '2025-06-15'
-- @param_42 = DATE '2025-03-18'
-- @param_43 = DATE '2025-01-01'
-- @param_44 = DATE '2025-02-01'
-- @param_45 = DATE '2025-03-01'
-- @param_46 = DATE '2025-04-01'
-- @param_47 = DATE '2025-05-01'
-- @param_48 = DATE '2025-06-01'
WITH `opportunity_by_closed_at` AS /* read opportunity rows for opportunity.closed_at, won_amount */
/* keep opportunity rows meeting closed_at in the time range; the terms and filters of the measures */
/* aggregate won_amount per month of opportunity.closed_at */ 
(SELECT DATE_TRUNC(CAST(CAST(opportunity.closed_at AS DATE) AS DATE), MONTH) AS `period`, sum(opportunity.amount) AS `won_amount` 
FROM `opportunities` AS `opportunity` 
WHERE CAST(opportunity.closed_at AS DATETIME) >= @param_1 AND CAST(opportunity.closed_at AS DATETIME) < @param_2 AND opportunity.is_won GROUP BY 1), 
`opportunity_by_closed_at_daily_quarter_to_date` AS /* read opportunity rows for opportunity.closed_at, won_amount */
/* keep opportunity rows meeting closed_at in the time range moved back to the first day a shown value reads; the terms and filters of the measures */
/* aggregate bookings_qtd__won_amount per day of opportunity.closed_at */ 
(SELECT CAST(CAST(opportunity.closed_at AS DATE) AS DATE) AS `period`, sum(opportunity.amount) AS `bookings_qtd__won_amount` 
FROM `opportunities` AS `opportunity` 
WHERE CAST(opportunity.closed_at AS DATETIME) >= @param_3 AND CAST(opportunity.closed_at AS DATETIME) < @param_4 AND opportunity.is_won GROUP BY 1), 
`opportunity_quarter_to_date_by_closed_at` AS /* sum bookings_qtd__won_amount over quarter to date, for each month period on its last day */ 
(SELECT `reads`.`period` AS `period`, sum(`opportunity_by_closed_at_daily_quarter_to_date`.`bookings_qtd__won_amount`) AS `bookings_qtd__won_amount` 
FROM (SELECT `periods`.`period` AS `period`, `periods`.`read_on` AS `read_on`, `periods`.`reach_from` AS `reach_from` 
FROM (SELECT CAST(@param_5 AS DATE) AS `period`, CAST(@param_6 AS DATE) AS `read_on`, CAST(@param_7 AS DATE) AS `reach_from` UNION ALL SELECT CAST(@param_8 AS DATE) AS `period`, CAST(@param_9 AS DATE) AS `read_on`, CAST(@param_10 AS DATE) AS `reach_from` UNION ALL SELECT CAST(@param_11 AS DATE) AS `period`, CAST(@param_12 AS DATE) AS `read_on`, CAST(@param_13 AS DATE) AS `reach_from` UNION ALL SELECT CAST(@param_14 AS DATE) AS `period`, CAST(@param_15 AS DATE) AS `read_on`, CAST(@param_16 AS DATE) AS `reach_from` UNION ALL SELECT CAST(@param_17 AS DATE) AS `period`, CAST(@param_18 AS DATE) AS `read_on`, CAST(@param_19 AS DATE) AS `reach_from` UNION ALL SELECT CAST(@param_20 AS DATE) AS `period`, CAST(@param_21 AS DATE) AS `read_on`, CAST(@param_22 AS DATE) AS `reach_from`) AS `periods`) AS `reads` LEFT OUTER JOIN `opportunity_by_closed_at_daily_quarter_to_date` ON `opportunity_by_closed_at_daily_quarter_to_date`.`period` <= `reads`.`read_on` AND `opportunity_by_closed_at_daily_quarter_to_date`.`period` >= `reads`.`reach_from` GROUP BY 1), 
`opportunity_by_created_at_daily_90_days` AS /* read opportunity rows for opportunity.created_at, created_amount */
/* keep opportunity rows meeting created_at in the time range moved back to the first day a shown value reads */
/* aggregate pipeline_created_90d__created_amount per day of opportunity.created_at */ 
(SELECT CAST(CAST(opportunity.created_at AS DATE) AS DATE) AS `period`, sum(opportunity.amount) AS `pipeline_created_90d__created_amount` 
FROM `opportunities` AS `opportunity` 
WHERE CAST(opportunity.created_at AS DATETIME) >= @param_23 AND CAST(opportunity.created_at AS DATETIME) < @param_24 GROUP BY 1), 
`opportunity_90_days_by_created_at` AS /* sum pipeline_created_90d__created_amount over the trailing 90 days, for each month period on its last day */ 
(SELECT `reads`.`period` AS `period`, sum(`opportunity_by_created_at_daily_90_days`.`pipeline_created_90d__created_amount`) AS `pipeline_created_90d__created_amount` 
FROM (SELECT `periods`.`period` AS `period`, `periods`.`read_on` AS `read_on`, `periods`.`reach_from` AS `reach_from` 
FROM (SELECT CAST(@param_25 AS DATE) AS `period`, CAST(@param_26 AS DATE) AS `read_on`, CAST(@param_27 AS DATE) AS `reach_from` UNION ALL SELECT CAST(@param_28 AS DATE) AS `period`, CAST(@param_29 AS DATE) AS `read_on`, CAST(@param_30 AS DATE) AS `reach_from` UNION ALL SELECT CAST(@param_31 AS DATE) AS `period`, CAST(@param_32 AS DATE) AS `read_on`, CAST(@param_33 AS DATE) AS `reach_from` UNION ALL SELECT CAST(@param_34 AS DATE) AS `period`, CAST(@param_35 AS DATE) AS `read_on`, CAST(@param_36 AS DATE) AS `reach_from` UNION ALL SELECT CAST(@param_37 AS DATE) AS `period`, CAST(@param_38 AS DATE) AS `read_on`, CAST(@param_39 AS DATE) AS `reach_from` UNION ALL SELECT CAST(@param_40 AS DATE) AS `period`, CAST(@param_41 AS DATE) AS `read_on`, CAST(@param_42 AS DATE) AS `reach_from`) AS `periods`) AS `reads` LEFT OUTER JOIN `opportunity_by_created_at_daily_90_days` ON `opportunity_by_created_at_daily_90_days`.`period` <= `reads`.`read_on` AND `opportunity_by_created_at_daily_90_days`.`period` >= `reads`.`reach_from` GROUP BY 1), 
`spine` AS /* the 6 month periods of the time range */ 
(SELECT `periods`.`period` AS `period` 
FROM (SELECT CAST(@param_43 AS DATE) AS `period` UNION ALL SELECT CAST(@param_44 AS DATE) AS `period` UNION ALL SELECT CAST(@param_45 AS DATE) AS `period` UNION ALL SELECT CAST(@param_46 AS DATE) AS `period` UNION ALL SELECT CAST(@param_47 AS DATE) AS `period` UNION ALL SELECT CAST(@param_48 AS DATE) AS `period`) AS `periods`), 
`combined` AS /* combine opportunity_by_closed_at, opportunity_quarter_to_date_by_closed_at, opportunity_90_days_by_created_at on period, every period of the spine included */ 
(SELECT `spine`.`period` AS `period`, `opportunity_by_closed_at`.`won_amount` AS `won_amount`, `opportunity_quarter_to_date_by_closed_at`.`bookings_qtd__won_amount` AS `bookings_qtd__won_amount`, `opportunity_90_days_by_created_at`.`pipeline_created_90d__created_amount` AS `pipeline_created_90d__created_amount` 
FROM `spine` LEFT OUTER JOIN `opportunity_by_closed_at` ON `spine`.`period` IS NOT DISTINCT FROM `opportunity_by_closed_at`.`period` LEFT OUTER JOIN `opportunity_quarter_to_date_by_closed_at` ON `spine`.`period` IS NOT DISTINCT FROM `opportunity_quarter_to_date_by_closed_at`.`period` LEFT OUTER JOIN `opportunity_90_days_by_created_at` ON `spine`.`period` IS NOT DISTINCT FROM `opportunity_90_days_by_created_at`.`period`)
 SELECT /* compute bookings, bookings_qtd, pipeline_created_90d; order by period */ `combined`.`period` AS `period`, COALESCE(won_amount, 0) AS `bookings`, COALESCE(bookings_qtd__won_amount, 0) AS `bookings_qtd`, COALESCE(pipeline_created_90d__created_amount, 0) AS `pipeline_created_90d` 
FROM `combined` ORDER BY `combined`.`period` ASC NULLS LAST
