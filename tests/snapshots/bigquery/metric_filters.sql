-- param_1 = TIMESTAMP '2025-01-01 00:00:00'
-- param_2 = TIMESTAMP '2026-01-01 00:00:00'
-- param_3 = DATE '2025-01-01'
-- param_4 = DATE '2025-04-01'
-- param_5 = DATE '2025-07-01'
-- param_6 = DATE '2025-10-01'
-- param_7 = 100000
-- param_8 = 0.2
-- param_9 = 0.3
WITH `opportunity_by_closed_at` AS /* read opportunity rows for opportunity.closed_at, opportunity.product, won_amount */
/* keep opportunity rows meeting closed_at in the time range */
/* aggregate won_amount, won_deals, closed_deals per quarter of opportunity.closed_at, opportunity.product, each measure counting the rows that meet its terms and filters */ 
(SELECT DATE_TRUNC(CAST(CAST(opportunity.closed_at AS DATE) AS DATE), QUARTER) AS `period`, opportunity.product AS `opportunity__product`, sum(CASE WHEN opportunity.is_won THEN opportunity.amount END) AS `won_amount`, count(CASE WHEN opportunity.is_won THEN 1 END) AS `won_deals`, count(CASE WHEN opportunity.is_closed THEN 1 END) AS `closed_deals` 
FROM `opportunities` AS `opportunity` 
WHERE CAST(opportunity.closed_at AS DATETIME) >= :param_1 AND CAST(opportunity.closed_at AS DATETIME) < :param_2 GROUP BY 1, 2), 
`spine` AS /* the 4 quarter periods of the time range */ 
(SELECT `periods`.`period` AS `period` 
FROM (SELECT CAST(:param_3 AS DATE) AS `period` UNION ALL SELECT CAST(:param_4 AS DATE) AS `period` UNION ALL SELECT CAST(:param_5 AS DATE) AS `period` UNION ALL SELECT CAST(:param_6 AS DATE) AS `period`) AS `periods`), 
`combined` AS /* combine opportunity_by_closed_at on period, opportunity.product, every period of the spine included */ 
(SELECT `keys`.`period` AS `period`, `keys`.`opportunity__product` AS `opportunity__product`, `opportunity_by_closed_at`.`won_amount` AS `won_amount`, `opportunity_by_closed_at`.`won_deals` AS `won_deals`, `opportunity_by_closed_at`.`closed_deals` AS `closed_deals` 
FROM (SELECT `spine`.`period` AS `period`, `dimension_values`.`opportunity__product` AS `opportunity__product` 
FROM `spine` JOIN (SELECT DISTINCT `opportunity_by_closed_at`.`opportunity__product` AS `opportunity__product` 
FROM `opportunity_by_closed_at`) AS `dimension_values` ON true) AS `keys` LEFT OUTER JOIN `opportunity_by_closed_at` ON `keys`.`period` IS NOT DISTINCT FROM `opportunity_by_closed_at`.`period` AND `keys`.`opportunity__product` IS NOT DISTINCT FROM `opportunity_by_closed_at`.`opportunity__product`)
 SELECT /* compute bookings, win_rate; keep rows meeting the conditions on bookings, win_rate; order by period, opportunity.product */ `combined`.`period` AS `period`, `combined`.`opportunity__product` AS `opportunity__product`, COALESCE(won_amount, 0) AS `bookings`, CAST((COALESCE(won_deals, 0)) AS FLOAT64) / NULLIF(COALESCE(closed_deals, 0), 0) AS `win_rate` 
FROM `combined` 
WHERE COALESCE(won_amount, 0) > :param_7 AND NOT coalesce(CAST((COALESCE(won_deals, 0)) AS FLOAT64) / NULLIF(COALESCE(closed_deals, 0), 0) BETWEEN :param_8 AND :param_9, false) ORDER BY `combined`.`period` ASC NULLS LAST, `combined`.`opportunity__product` ASC NULLS LAST
