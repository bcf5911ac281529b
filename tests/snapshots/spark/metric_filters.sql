-- :param_1 = DATE '2025-01-01'
-- :param_2 = DATE '2026-01-01'
-- :param_3 = 100000
-- :param_4 = 0.2
-- :param_5 = 0.3
WITH opportunity_by_closed_at AS /* read opportunity rows for opportunity.closed_at, opportunity.product, won_amount */
/* keep opportunity rows meeting closed_at in the time range */
/* aggregate won_amount, won_deals, closed_deals per quarter of opportunity.closed_at, opportunity.product, each measure counting the rows that meet its terms and filters */ 
(SELECT CAST(date_trunc('quarter', CAST(opportunity.closed_at AS DATE)) AS DATE) AS period, opportunity.product AS opportunity__product, sum(opportunity.amount) FILTER (WHERE opportunity.is_won) AS won_amount, count(*) FILTER (WHERE opportunity.is_won) AS won_deals, count(*) FILTER (WHERE opportunity.is_closed) AS closed_deals 
FROM opportunities AS opportunity 
WHERE opportunity.closed_at >= :param_1 AND opportunity.closed_at < :param_2 GROUP BY 1, 2)
 SELECT /* compute bookings, win_rate; keep rows meeting the conditions on bookings, win_rate; order by period, opportunity.product */ opportunity_by_closed_at.period AS period, opportunity_by_closed_at.opportunity__product AS `opportunity.product`, COALESCE(won_amount, 0) AS bookings, CAST((COALESCE(won_deals, 0)) AS DOUBLE) / NULLIF(COALESCE(closed_deals, 0), 0) AS win_rate 
FROM opportunity_by_closed_at 
WHERE COALESCE(won_amount, 0) > :param_3 AND NOT coalesce(CAST((COALESCE(won_deals, 0)) AS DOUBLE) / NULLIF(COALESCE(closed_deals, 0), 0) BETWEEN :param_4 AND :param_5, false) ORDER BY opportunity_by_closed_at.period ASC NULLS LAST, opportunity_by_closed_at.opportunity__product ASC NULLS LAST
