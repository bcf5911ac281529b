WITH opportunity_totals AS /* read opportunity rows for won_amount */
/* aggregate won_amount, won_deals, closed_deals in total, each measure counting the rows that meet its terms and filters */ 
(SELECT sum(CASE WHEN opportunity.is_won THEN opportunity.amount END) AS won_amount, count(CASE WHEN opportunity.is_won THEN 1 END) AS won_deals, count(CASE WHEN opportunity.is_closed THEN 1 END) AS closed_deals 
FROM opportunities AS opportunity)
 SELECT /* compute bookings, won_deals, win_rate */ COALESCE(won_amount, 0) AS bookings, COALESCE(won_deals, 0) AS won_deals, CAST((COALESCE(won_deals, 0)) AS DOUBLE) / NULLIF(COALESCE(closed_deals, 0), 0) AS win_rate 
FROM opportunity_totals
