-- :param_1 = 'SMB'
-- :param_2 = DATE '2025-11-15'
-- :param_3 = 'SMB'
-- :param_4 = DATE '2025-11-15'
WITH lead_to_opportunity_90d_cohort AS /* read lead rows for lead.created_at */
/* read contact rows */
/* read account rows for account.segment */
/* join lead to contact along contact, contact to account along account (many-to-one, so no lead row repeats) */
/* lead instances with their cohort day */ 
(SELECT lead.lead_id AS subject, contact.account_id AS link, lead.created_at AS event_time, account.segment AS account__segment 
FROM leads AS lead LEFT OUTER JOIN contacts AS contact ON lead.contact_id = contact.contact_id LEFT OUTER JOIN accounts AS account ON contact.account_id = account.account_id 
WHERE (lead.status <> 'duplicate') AND lead.created_at IS NOT NULL AND lead.lead_id IS NOT NULL AND (account.segment != :param_1 OR account.segment IS NULL)), 
lead_to_opportunity_90d_lead_conversion AS /* read opportunity rows for opportunity.created_at */
/* count lead instances per fiscal_quarter of lead.created_at, and those with opportunity.created_at on or after lead.created_at within 90 days */ 
(SELECT add_months(CAST(CAST(date_trunc('quarter', add_months(CAST(CAST(lead_to_opportunity_90d_cohort.event_time AS DATE) AS DATE), -1)) AS DATE) AS DATE), 1) AS period, lead_to_opportunity_90d_cohort.account__segment AS account__segment, count(*) AS lead_to_opportunity_90d__cohort, count(converted.subject) AS lead_to_opportunity_90d__converted, CASE WHEN (date_add(CAST(date_add(CAST(add_months(CAST(add_months(CAST(CAST(date_trunc('quarter', add_months(CAST(CAST(min(lead_to_opportunity_90d_cohort.event_time) AS DATE) AS DATE), -1)) AS DATE) AS DATE), 1) AS DATE), 3) AS DATE), -1) AS DATE), 90) >= CAST(:param_2 AS DATE)) THEN 1 ELSE 0 END AS lead_to_opportunity_90d__open 
FROM lead_to_opportunity_90d_cohort LEFT OUTER JOIN (SELECT DISTINCT lead_to_opportunity_90d_cohort.subject AS subject 
FROM lead_to_opportunity_90d_cohort JOIN (SELECT opportunity.account_id AS link, CAST(opportunity.created_at AS DATE) AS `day` 
FROM opportunities AS opportunity 
WHERE opportunity.account_id IS NOT NULL AND opportunity.created_at IS NOT NULL) AS conversion_events ON conversion_events.link = lead_to_opportunity_90d_cohort.link AND conversion_events.`day` >= CAST(lead_to_opportunity_90d_cohort.event_time AS DATE) AND conversion_events.`day` <= date_add(CAST(CAST(lead_to_opportunity_90d_cohort.event_time AS DATE) AS DATE), 90)) AS converted ON converted.subject = lead_to_opportunity_90d_cohort.subject GROUP BY 1, 2), 
proposal_to_won_cohort AS /* read stage_change rows for stage_change.changed_at */
/* read opportunity rows */
/* read account rows for account.segment */
/* join stage_change to opportunity along opportunity, opportunity to account along account (many-to-one, so no stage_change row repeats) */
/* opportunity instances with their cohort day, each by its first base event */ 
(SELECT stage_change.opportunity_id AS subject, stage_change.opportunity_id AS link, min(stage_change.changed_at) AS event_time, account.segment AS account__segment 
FROM opportunity_stage_history AS stage_change LEFT OUTER JOIN opportunities AS opportunity ON stage_change.opportunity_id = opportunity.opportunity_id LEFT OUTER JOIN accounts AS account ON opportunity.account_id = account.account_id 
WHERE (stage_change.to_stage = 'proposal') AND stage_change.changed_at IS NOT NULL AND stage_change.opportunity_id IS NOT NULL AND (account.segment != :param_3 OR account.segment IS NULL) GROUP BY 1, 2, 4), 
proposal_to_won_opportunity_conversion AS /* read stage_change rows for stage_change.changed_at */
/* count opportunity instances per fiscal_quarter of stage_change.changed_at, and those with stage_change.changed_at on or after stage_change.changed_at within 180 days */ 
(SELECT add_months(CAST(CAST(date_trunc('quarter', add_months(CAST(CAST(proposal_to_won_cohort.event_time AS DATE) AS DATE), -1)) AS DATE) AS DATE), 1) AS period, proposal_to_won_cohort.account__segment AS account__segment, count(*) AS proposal_to_won__cohort, count(converted.subject) AS proposal_to_won__converted, CASE WHEN (date_add(CAST(date_add(CAST(add_months(CAST(add_months(CAST(CAST(date_trunc('quarter', add_months(CAST(CAST(min(proposal_to_won_cohort.event_time) AS DATE) AS DATE), -1)) AS DATE) AS DATE), 1) AS DATE), 3) AS DATE), -1) AS DATE), 180) >= CAST(:param_4 AS DATE)) THEN 1 ELSE 0 END AS proposal_to_won__open 
FROM proposal_to_won_cohort LEFT OUTER JOIN (SELECT DISTINCT proposal_to_won_cohort.subject AS subject 
FROM proposal_to_won_cohort JOIN (SELECT stage_change.opportunity_id AS link, CAST(stage_change.changed_at AS DATE) AS `day` 
FROM opportunity_stage_history AS stage_change 
WHERE (stage_change.to_stage = 'closed_won') AND stage_change.opportunity_id IS NOT NULL AND stage_change.changed_at IS NOT NULL) AS conversion_events ON conversion_events.link = proposal_to_won_cohort.link AND conversion_events.`day` >= CAST(proposal_to_won_cohort.event_time AS DATE) AND conversion_events.`day` <= date_add(CAST(CAST(proposal_to_won_cohort.event_time AS DATE) AS DATE), 180)) AS converted ON converted.subject = proposal_to_won_cohort.subject GROUP BY 1, 2), 
combined AS /* combine lead_to_opportunity_90d_lead_conversion, proposal_to_won_opportunity_conversion on period, account.segment */ 
(SELECT keys.period AS period, keys.account__segment AS account__segment, lead_to_opportunity_90d_lead_conversion.lead_to_opportunity_90d__cohort AS lead_to_opportunity_90d__cohort, lead_to_opportunity_90d_lead_conversion.lead_to_opportunity_90d__converted AS lead_to_opportunity_90d__converted, lead_to_opportunity_90d_lead_conversion.lead_to_opportunity_90d__open AS lead_to_opportunity_90d__open, proposal_to_won_opportunity_conversion.proposal_to_won__cohort AS proposal_to_won__cohort, proposal_to_won_opportunity_conversion.proposal_to_won__converted AS proposal_to_won__converted, proposal_to_won_opportunity_conversion.proposal_to_won__open AS proposal_to_won__open 
FROM (SELECT lead_to_opportunity_90d_lead_conversion.period AS period, lead_to_opportunity_90d_lead_conversion.account__segment AS account__segment 
FROM lead_to_opportunity_90d_lead_conversion UNION SELECT proposal_to_won_opportunity_conversion.period AS period, proposal_to_won_opportunity_conversion.account__segment AS account__segment 
FROM proposal_to_won_opportunity_conversion) AS keys LEFT OUTER JOIN lead_to_opportunity_90d_lead_conversion ON keys.period IS NOT DISTINCT FROM lead_to_opportunity_90d_lead_conversion.period AND keys.account__segment IS NOT DISTINCT FROM lead_to_opportunity_90d_lead_conversion.account__segment LEFT OUTER JOIN proposal_to_won_opportunity_conversion ON keys.period IS NOT DISTINCT FROM proposal_to_won_opportunity_conversion.period AND keys.account__segment IS NOT DISTINCT FROM proposal_to_won_opportunity_conversion.account__segment)
 SELECT /* compute lead_to_opportunity_90d, proposal_to_won; order by period, account.segment */ combined.period AS period, combined.account__segment AS `account.segment`, CASE WHEN lead_to_opportunity_90d__open = 1 THEN NULL ELSE CAST((COALESCE(lead_to_opportunity_90d__converted, 0)) AS DOUBLE) / NULLIF(COALESCE(lead_to_opportunity_90d__cohort, 0), 0) END AS lead_to_opportunity_90d, CASE WHEN proposal_to_won__open = 1 THEN NULL ELSE CAST((COALESCE(proposal_to_won__converted, 0)) AS DOUBLE) / NULLIF(COALESCE(proposal_to_won__cohort, 0), 0) END AS proposal_to_won 
FROM combined ORDER BY combined.period ASC NULLS LAST, combined.account__segment ASC NULLS LAST
