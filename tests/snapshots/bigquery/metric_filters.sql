-- @param_1 = TIMESTAMP '2025-01-01 00:00:00'
-- @param_2 = TIMESTAMP '2026-01-01 00:00:00'
-- @param_3 = 100000
-- @param_4 = 0.2
-- @param_5 = 0.3
WITH `opportunity_by_closed_at` AS /* read opportunity rows for opportunity.closed_at, opportunity.product, won_amount */
/* keep opportunity rows meeting closed_at in the time range */
/* aggregate won_amount, won_deals, closed_deals per quarter of opportunity.closed_at, opportunity.product, each measure counting the rows that meet its terms and filters */ 
(SELECT DATE_TRUNC(CAST(CAST(opportunity.closed_at AS DATE) AS DATE), QUARTER) AS `period`, opportunity.product AS `opportunity__product`, sum(CASE WHEN opportunity.is_won THEN opportunity.amount END) AS `won_amount`, count(CASE WHEN opportunity.is_won THEN 1 END) AS `won_deals`, count(CASE WHEN opportunity.is_closed THEN 1 END) AS `closed_deals` 
FROM `opportunities` AS `opportunity` 
WHERE CAST(opportunity.closed_at AS DATETIME) >= @param_1 AND CAST(opportunity.closed_at AS DATETIME) < @param_2 GROUP BY 1, 2)
 SELECT /* compute bookings, win_rate; keep rows meeting the conditions on bookings, win_rate; order by period, opportunity.product */ `opportunity_by_closed_at`.`period` AS `period`, `opportunity_by_closed_at`.`opportunity__product` AS `opportunity__product`, COALESCE(won_amount, 0) AS `bookings`, CAST((COALESCE(won_deals, 0)) AS FLOAT64) / NULLIF(COALESCE(closed_deals, 0), 0) AS `win_rate` 
FROM `opportunity_by_closed_at` 
WHERE COALESCE(won_amount, 0) > @param_3 AND NOT coalesce(CAST((COALESCE(won_deals, 0)) AS FLOAT64) / NULLIF(COALESCE(closed_deals, 0), 0) BETWEEN @param_4 AND @param_5, false) ORDER BY `opportunity_by_closed_at`.`period` ASC NULLS LAST, `opportunity_by_closed_at`.`opportunity__product` ASC NULLS LAST
