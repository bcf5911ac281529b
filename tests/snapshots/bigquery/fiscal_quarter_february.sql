-- param_1 = DATE '2025-02-01'
-- param_2 = DATE '2025-05-01'
-- param_3 = DATE '2025-08-01'
-- param_4 = DATE '2025-11-01'
-- param_5 = TIMESTAMP '2025-02-01 00:00:00'
-- param_6 = TIMESTAMP '2026-02-01 00:00:00'
WITH `opportunity_by_closed_at` AS 
(SELECT DATE_ADD(DATE_TRUNC(CAST(DATE_ADD(CAST(opportunity.closed_at AS DATE), INTERVAL -1 MONTH) AS DATE), QUARTER), INTERVAL 1 MONTH) AS `period`, opportunity.product AS `opportunity__product`, count(CASE WHEN opportunity.is_won THEN 1 END) AS `won_deals`, count(CASE WHEN opportunity.is_closed THEN 1 END) AS `closed_deals`, sum(CASE WHEN opportunity.is_won THEN opportunity.amount END) AS `won_amount` 
FROM `opportunities` AS `opportunity` 
WHERE CAST(opportunity.closed_at AS DATETIME) >= :param_5 AND CAST(opportunity.closed_at AS DATETIME) < :param_6 GROUP BY 1, 2), 
`keys` AS 
(SELECT `spine`.`period` AS `period`, `dimension_values`.`opportunity__product` AS `opportunity__product` 
FROM (SELECT CAST(:param_1 AS DATE) AS `period` UNION ALL SELECT CAST(:param_2 AS DATE) AS `period` UNION ALL SELECT CAST(:param_3 AS DATE) AS `period` UNION ALL SELECT CAST(:param_4 AS DATE) AS `period`) AS `spine` JOIN (SELECT DISTINCT `opportunity_by_closed_at`.`opportunity__product` AS `opportunity__product` 
FROM `opportunity_by_closed_at`) AS `dimension_values` ON true)
 SELECT `keys`.`period` AS `period`, `keys`.`opportunity__product` AS `opportunity__product`, CAST((COALESCE(won_deals, 0)) AS FLOAT64) / NULLIF(COALESCE(closed_deals, 0), 0) AS `win_rate`, COALESCE(won_amount, 0) AS `bookings` 
FROM `keys` LEFT OUTER JOIN `opportunity_by_closed_at` ON `keys`.`period` IS NOT DISTINCT FROM `opportunity_by_closed_at`.`period` AND `keys`.`opportunity__product` IS NOT DISTINCT FROM `opportunity_by_closed_at`.`opportunity__product` ORDER BY `keys`.`period` ASC NULLS LAST, `keys`.`opportunity__product` ASC NULLS LAST
