-- :param_1 = 'SMB'
-- :param_2 = 'Enterprise'
-- :param_3 = 'renewal'
-- :account_name_1 = 'sys/_50/%'
-- :param_4 = 1000
-- :param_5 = 50000
WITH opportunity_totals AS /* read opportunity rows for opportunity.product, opportunity.type, opportunity.amount, won_amount */
/* read account rows for account.segment, account.name */
/* join opportunity to account along account (many-to-one, so no opportunity row repeats) */
/* keep opportunity rows meeting the terms and filters of the measures; the filters on account.segment, opportunity.type, account.name, opportunity.amount */
/* aggregate won_amount, won_deals per opportunity.product */ 
(SELECT opportunity.product AS opportunity__product, sum(opportunity.amount) AS won_amount, count(*) AS won_deals 
FROM opportunities AS opportunity LEFT OUTER JOIN accounts AS account ON opportunity.account_id = account.account_id 
WHERE account.segment IN (:param_1, :param_2) AND (opportunity.type != :param_3 OR opportunity.type IS NULL) AND (lower(account.name) LIKE '%' || lower(:account_name_1) || '%' ESCAPE '/') AND opportunity.amount BETWEEN :param_4 AND :param_5 AND opportunity.is_won GROUP BY 1)
 SELECT /* compute bookings, won_deals; order by opportunity.product */ opportunity_totals.opportunity__product AS `opportunity.product`, COALESCE(won_amount, 0) AS bookings, COALESCE(won_deals, 0) AS won_deals 
FROM opportunity_totals ORDER BY opportunity_totals.opportunity__product ASC NULLS LAST
