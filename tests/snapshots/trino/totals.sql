WITH opportunity_totals__rows AS /* read opportunity rows (won_amount, won_amount__if, closed_deals__if) */ 
(SELECT opportunity.amount AS won_amount, opportunity.is_won AS won_amount__if, opportunity.is_closed AS closed_deals__if 
FROM opportunities AS opportunity), 
opportunity_totals AS /* aggregate won_amount, won_deals, closed_deals in total */ 
(SELECT sum(won_amount) FILTER (WHERE won_amount__if) AS won_amount, count(*) FILTER (WHERE won_amount__if) AS won_deals, count(*) FILTER (WHERE closed_deals__if) AS closed_deals 
FROM opportunity_totals__rows)
 SELECT /* compute bookings, won_deals, win_rate */ COALESCE(won_amount, 0) AS bookings, COALESCE(won_deals, 0) AS won_deals, CAST((COALESCE(won_deals, 0)) AS DOUBLE) / NULLIF(COALESCE(closed_deals, 0), 0) AS win_rate 
FROM opportunity_totals
