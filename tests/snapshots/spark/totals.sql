WITH opportunity_totals AS /* read opportunity rows for won_amount */
/* aggregate won_amount, won_deals, closed_deals in total, each measure counting the rows that meet its terms and filters */ 
(SELECT sum(opportunity.amount) FILTER (WHERE opportunity.is_won) AS won_amount, count(*) FILTER (WHERE opportunity.is_won) AS won_deals, count(*) FILTER (WHERE opportunity.is_closed) AS closed_deals 
FROM opportunities AS opportunity)
 SELECT /* compute bookings, won_deals, win_rate */ COALESCE(won_amount, 0) AS bookings, COALESCE(won_deals, 0) AS won_deals, CAST((COALESCE(won_deals, 0)) AS DOUBLE) / NULLIF(COALESCE(closed_deals, 0), 0) AS win_rate 
FROM opportunity_totals
