-- param_1 = TIMESTAMP '2025-01-01 00:00:00'
-- param_2 = TIMESTAMP '2025-06-16 00:00:00'
-- param_3 = TIMESTAMP '2025-01-01 00:00:00'
-- param_4 = TIMESTAMP '2025-06-16 00:00:00'
-- param_5 = DATE '2025-01-01'
-- param_6 = DATE '2025-02-01'
-- param_7 = DATE '2025-03-01'
-- param_8 = DATE '2025-04-01'
-- param_9 = DATE '2025-05-01'
-- param_10 = DATE '2025-06-01'
-- param_11 = DATE '2025-06-15'
-- param_12 = TIMESTAMP '2024-10-04 00:00:00'
-- param_13 = TIMESTAMP '2025-06-16 00:00:00'
-- param_14 = DATE '2025-06-15'
WITH `opportunity_by_closed_at` AS /* read opportunity rows for opportunity.closed_at, won_amount */
/* keep opportunity rows meeting closed_at in the time range; the terms and filters of the measures */
/* aggregate won_amount per month of opportunity.closed_at */ 
(SELECT DATE_TRUNC(CAST(CAST(opportunity.closed_at AS DATE) AS DATE), MONTH) AS `period`, sum(opportunity.amount) AS `won_amount` 
FROM `opportunities` AS `opportunity` 
WHERE CAST(opportunity.closed_at AS DATETIME) >= :param_1 AND CAST(opportunity.closed_at AS DATETIME) < :param_2 AND opportunity.is_won GROUP BY 1), 
`opportunity_by_closed_at_daily_quarter_to_date` AS /* read opportunity rows for opportunity.closed_at, won_amount */
/* keep opportunity rows meeting closed_at in the time range moved back to the first day a shown value reads; the terms and filters of the measures */
/* aggregate bookings_qtd__won_amount per day of opportunity.closed_at */ 
(SELECT CAST(CAST(opportunity.closed_at AS DATE) AS DATE) AS `period`, sum(opportunity.amount) AS `bookings_qtd__won_amount` 
FROM `opportunities` AS `opportunity` 
WHERE CAST(opportunity.closed_at AS DATETIME) >= :param_3 AND CAST(opportunity.closed_at AS DATETIME) < :param_4 AND opportunity.is_won GROUP BY 1), 
`spine` AS /* the 6 month periods of the time range */ 
(SELECT `periods`.`period` AS `period` 
FROM (SELECT CAST(:param_5 AS DATE) AS `period` UNION ALL SELECT CAST(:param_6 AS DATE) AS `period` UNION ALL SELECT CAST(:param_7 AS DATE) AS `period` UNION ALL SELECT CAST(:param_8 AS DATE) AS `period` UNION ALL SELECT CAST(:param_9 AS DATE) AS `period` UNION ALL SELECT CAST(:param_10 AS DATE) AS `period`) AS `periods`), 
`opportunity_quarter_to_date_by_closed_at` AS /* sum bookings_qtd__won_amount over quarter to date, for each month period on its last day */ 
(SELECT `spine`.`period` AS `period`, sum(`opportunity_by_closed_at_daily_quarter_to_date`.`bookings_qtd__won_amount`) AS `bookings_qtd__won_amount` 
FROM `spine` LEFT OUTER JOIN `opportunity_by_closed_at_daily_quarter_to_date` ON `opportunity_by_closed_at_daily_quarter_to_date`.`period` <= least(DATE_ADD(DATE_ADD(`spine`.`period`, INTERVAL 1 MONTH), INTERVAL -1 DAY), CAST(:param_11 AS DATE)) AND `opportunity_by_closed_at_daily_quarter_to_date`.`period` >= DATE_TRUNC(CAST(CAST(least(DATE_ADD(DATE_ADD(`spine`.`period`, INTERVAL 1 MONTH), INTERVAL -1 DAY), CAST(:param_11 AS DATE)) AS DATE) AS DATE), QUARTER) GROUP BY 1), 
`opportunity_by_created_at_daily_90_days` AS /* read opportunity rows for opportunity.created_at, created_amount */
/* keep opportunity rows meeting created_at in the time range moved back to the first day a shown value reads */
/* aggregate pipeline_created_90d__created_amount per day of opportunity.created_at */ 
(SELECT CAST(CAST(opportunity.created_at AS DATE) AS DATE) AS `period`, sum(opportunity.amount) AS `pipeline_created_90d__created_amount` 
FROM `opportunities` AS `opportunity` 
WHERE CAST(opportunity.created_at AS DATETIME) >= :param_12 AND CAST(opportunity.created_at AS DATETIME) < :param_13 GROUP BY 1), 
`opportunity_90_days_by_created_at` AS /* sum pipeline_created_90d__created_amount over the trailing 90 days, for each month period on its last day */ 
(SELECT `spine`.`period` AS `period`, sum(`opportunity_by_created_at_daily_90_days`.`pipeline_created_90d__created_amount`) AS `pipeline_created_90d__created_amount` 
FROM `spine` LEFT OUTER JOIN `opportunity_by_created_at_daily_90_days` ON `opportunity_by_created_at_daily_90_days`.`period` <= least(DATE_ADD(DATE_ADD(`spine`.`period`, INTERVAL 1 MONTH), INTERVAL -1 DAY), CAST(:param_14 AS DATE)) AND `opportunity_by_created_at_daily_90_days`.`period` >= DATE_ADD(least(DATE_ADD(DATE_ADD(`spine`.`period`, INTERVAL 1 MONTH), INTERVAL -1 DAY), CAST(:param_14 AS DATE)), INTERVAL -89 DAY) GROUP BY 1), 
`combined` AS /* combine opportunity_by_closed_at, opportunity_quarter_to_date_by_closed_at, opportunity_90_days_by_created_at on period, every period of the spine included */ 
(SELECT `spine`.`period` AS `period`, `opportunity_by_closed_at`.`won_amount` AS `won_amount`, `opportunity_quarter_to_date_by_closed_at`.`bookings_qtd__won_amount` AS `bookings_qtd__won_amount`, `opportunity_90_days_by_created_at`.`pipeline_created_90d__created_amount` AS `pipeline_created_90d__created_amount` 
FROM `spine` LEFT OUTER JOIN `opportunity_by_closed_at` ON `spine`.`period` IS NOT DISTINCT FROM `opportunity_by_closed_at`.`period` LEFT OUTER JOIN `opportunity_quarter_to_date_by_closed_at` ON `spine`.`period` IS NOT DISTINCT FROM `opportunity_quarter_to_date_by_closed_at`.`period` LEFT OUTER JOIN `opportunity_90_days_by_created_at` ON `spine`.`period` IS NOT DISTINCT FROM `opportunity_90_days_by_created_at`.`period`)
 SELECT /* compute bookings, bookings_qtd, pipeline_created_90d; order by period */ `combined`.`period` AS `period`, COALESCE(won_amount, 0) AS `bookings`, COALESCE(bookings_qtd__won_amount, 0) AS `bookings_qtd`, COALESCE(pipeline_created_90d__created_amount, 0) AS `pipeline_created_90d` 
FROM `combined` ORDER BY `combined`.`period` ASC NULLS LAST
