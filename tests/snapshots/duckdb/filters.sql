-- param_1 = 'SMB'
-- param_2 = 'Enterprise'
-- param_3 = 'renewal'
-- account__name_1 = 'sys/_50/%'
-- param_4 = 1000
-- param_5 = 50000
WITH opportunity_totals__rows AS /* read opportunity rows (opportunity__product, opportunity__type, opportunity__amount, won_amount, won_amount__if) */ 
(SELECT opportunity.account_id AS fk__account, opportunity.product AS opportunity__product, opportunity.type AS opportunity__type, opportunity.amount AS opportunity__amount, opportunity.amount AS won_amount, opportunity.is_won AS won_amount__if 
FROM opportunities AS opportunity), 
opportunity_totals__account AS /* read account rows (account__segment, account__name) */ 
(SELECT account.account_id AS pk, account.segment AS account__segment, account.name AS account__name 
FROM accounts AS account), 
opportunity_totals__joined AS /* join opportunity to account along account (many-to-one, so no opportunity row repeats) */ 
(SELECT opportunity.*, account.account__segment AS account__segment, account.account__name AS account__name 
FROM opportunity_totals__rows AS opportunity LEFT OUTER JOIN opportunity_totals__account AS account ON opportunity.fk__account = account.pk), 
opportunity_totals__filtered AS /* keep opportunity rows meeting the terms and filters of the measures; the filters on account.segment, opportunity.type, account.name, opportunity.amount */ 
(SELECT * 
FROM opportunity_totals__joined 
WHERE account__segment IN (%(param_1)s, %(param_2)s) AND (opportunity__type != %(param_3)s OR opportunity__type IS NULL) AND (account__name ILIKE '%%' || %(account__name_1)s || '%%' ESCAPE '/') AND opportunity__amount BETWEEN %(param_4)s AND %(param_5)s AND won_amount__if), 
opportunity_totals AS /* aggregate won_amount, won_deals per opportunity.product */ 
(SELECT opportunity__product, sum(won_amount) AS won_amount, count(*) AS won_deals 
FROM opportunity_totals__filtered GROUP BY 1)
 SELECT /* compute bookings, won_deals; order by opportunity.product */ opportunity_totals.opportunity__product AS "opportunity.product", COALESCE(won_amount, 0) AS bookings, COALESCE(won_deals, 0) AS won_deals 
FROM opportunity_totals ORDER BY opportunity_totals.opportunity__product ASC NULLS LAST
