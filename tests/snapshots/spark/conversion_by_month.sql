-- :param_1 = DATE '2025-11-15'
-- :param_2 = DATE '2025-01-01'
-- :param_3 = DATE '2025-07-01'
-- :param_4 = DATE '2025-11-15'
-- :param_5 = DATE '2025-01-01'
-- :param_6 = DATE '2025-07-01'
-- :param_7 = DATE '2025-01-01'
-- :param_8 = DATE '2025-07-01'
-- :param_9 = DATE '2025-11-15'
-- :param_10 = DATE '2025-01-01'
-- :param_11 = DATE '2025-07-01'
-- :param_12 = DATE '2025-11-15'
-- :param_13 = DATE '2025-01-01'
-- :param_14 = DATE '2025-02-01'
-- :param_15 = DATE '2025-03-01'
-- :param_16 = DATE '2025-04-01'
-- :param_17 = DATE '2025-05-01'
-- :param_18 = DATE '2025-06-01'
WITH lead_to_mql_30d_lead_conversion AS /* read lead rows for lead.created_at, lead.mql_at */
/* count lead instances per month of lead.created_at, and those with lead.mql_at on or after lead.created_at within 30 days */ 
(SELECT CAST(date_trunc('month', CAST(lead.created_at AS DATE)) AS DATE) AS period, count(*) AS lead_to_mql_30d__cohort, count(*) FILTER (WHERE CAST(lead.mql_at AS DATE) >= CAST(lead.created_at AS DATE) AND CAST(lead.mql_at AS DATE) <= date_add(CAST(CAST(lead.created_at AS DATE) AS DATE), 30) AND (NOT lead.mql_at IS NULL AND lead.status <> 'disqualified')) AS lead_to_mql_30d__converted, CASE WHEN (date_add(CAST(date_add(CAST(add_months(CAST(CAST(date_trunc('month', CAST(min(lead.created_at) AS DATE)) AS DATE) AS DATE), 1) AS DATE), -1) AS DATE), 30) >= CAST(:param_1 AS DATE)) THEN 1 ELSE 0 END AS lead_to_mql_30d__open 
FROM leads AS lead 
WHERE (lead.status <> 'duplicate') AND lead.created_at IS NOT NULL AND lead.created_at >= :param_2 AND lead.created_at < :param_3 GROUP BY 1), 
mql_to_sql_14d_lead_conversion AS /* read lead rows for lead.mql_at, lead.sql_at */
/* count lead instances per month of lead.mql_at, and those with lead.sql_at on or after lead.mql_at within 14 days */ 
(SELECT CAST(date_trunc('month', CAST(lead.mql_at AS DATE)) AS DATE) AS period, count(*) AS mql_to_sql_14d__cohort, count(*) FILTER (WHERE CAST(lead.sql_at AS DATE) >= CAST(lead.mql_at AS DATE) AND CAST(lead.sql_at AS DATE) <= date_add(CAST(CAST(lead.mql_at AS DATE) AS DATE), 14) AND (NOT lead.sql_at IS NULL AND lead.status <> 'disqualified')) AS mql_to_sql_14d__converted, CASE WHEN (date_add(CAST(date_add(CAST(add_months(CAST(CAST(date_trunc('month', CAST(min(lead.mql_at) AS DATE)) AS DATE) AS DATE), 1) AS DATE), -1) AS DATE), 14) >= CAST(:param_4 AS DATE)) THEN 1 ELSE 0 END AS mql_to_sql_14d__open 
FROM leads AS lead 
WHERE (NOT lead.mql_at IS NULL AND lead.status <> 'disqualified') AND lead.mql_at IS NOT NULL AND lead.mql_at >= :param_5 AND lead.mql_at < :param_6 GROUP BY 1), 
lead_to_opportunity_90d_cohort AS /* read lead rows for lead.created_at */
/* read contact rows */
/* join lead to contact along contact (many-to-one, so no lead row repeats) */
/* lead instances with their cohort day in the time range */ 
(SELECT lead.lead_id AS subject, contact.account_id AS link, lead.created_at AS event_time 
FROM leads AS lead LEFT OUTER JOIN contacts AS contact ON lead.contact_id = contact.contact_id 
WHERE (lead.status <> 'duplicate') AND lead.created_at IS NOT NULL AND lead.lead_id IS NOT NULL AND lead.created_at >= :param_7 AND lead.created_at < :param_8), 
lead_to_opportunity_90d_lead_conversion AS /* read opportunity rows for opportunity.created_at */
/* count lead instances per month of lead.created_at, and those with opportunity.created_at on or after lead.created_at within 90 days */ 
(SELECT CAST(date_trunc('month', CAST(lead_to_opportunity_90d_cohort.event_time AS DATE)) AS DATE) AS period, count(*) AS lead_to_opportunity_90d__cohort, count(converted.subject) AS lead_to_opportunity_90d__converted, CASE WHEN (date_add(CAST(date_add(CAST(add_months(CAST(CAST(date_trunc('month', CAST(min(lead_to_opportunity_90d_cohort.event_time) AS DATE)) AS DATE) AS DATE), 1) AS DATE), -1) AS DATE), 90) >= CAST(:param_9 AS DATE)) THEN 1 ELSE 0 END AS lead_to_opportunity_90d__open 
FROM lead_to_opportunity_90d_cohort LEFT OUTER JOIN (SELECT DISTINCT lead_to_opportunity_90d_cohort.subject AS subject 
FROM lead_to_opportunity_90d_cohort JOIN (SELECT opportunity.account_id AS link, CAST(opportunity.created_at AS DATE) AS `day` 
FROM opportunities AS opportunity 
WHERE opportunity.account_id IS NOT NULL AND opportunity.created_at IS NOT NULL) AS conversion_events ON conversion_events.link = lead_to_opportunity_90d_cohort.link AND conversion_events.`day` >= CAST(lead_to_opportunity_90d_cohort.event_time AS DATE) AND conversion_events.`day` <= date_add(CAST(CAST(lead_to_opportunity_90d_cohort.event_time AS DATE) AS DATE), 90)) AS converted ON converted.subject = lead_to_opportunity_90d_cohort.subject GROUP BY 1), 
proposal_to_won_cohort AS /* read stage_change rows for stage_change.changed_at */
/* opportunity instances with their cohort day, each by its first base event in the time range */ 
(SELECT stage_change.opportunity_id AS subject, stage_change.opportunity_id AS link, min(stage_change.changed_at) AS event_time 
FROM opportunity_stage_history AS stage_change 
WHERE (stage_change.to_stage = 'proposal') AND stage_change.changed_at IS NOT NULL AND stage_change.opportunity_id IS NOT NULL GROUP BY 1, 2 
HAVING min(stage_change.changed_at) >= :param_10 AND min(stage_change.changed_at) < :param_11), 
proposal_to_won_opportunity_conversion AS /* read stage_change rows for stage_change.changed_at */
/* count opportunity instances per month of stage_change.changed_at, and those with stage_change.changed_at on or after stage_change.changed_at within 180 days */ 
(SELECT CAST(date_trunc('month', CAST(proposal_to_won_cohort.event_time AS DATE)) AS DATE) AS period, count(*) AS proposal_to_won__cohort, count(converted.subject) AS proposal_to_won__converted, CASE WHEN (date_add(CAST(date_add(CAST(add_months(CAST(CAST(date_trunc('month', CAST(min(proposal_to_won_cohort.event_time) AS DATE)) AS DATE) AS DATE), 1) AS DATE), -1) AS DATE), 180) >= CAST(:param_12 AS DATE)) THEN 1 ELSE 0 END AS proposal_to_won__open 
FROM proposal_to_won_cohort LEFT OUTER JOIN (SELECT DISTINCT proposal_to_won_cohort.subject AS subject 
FROM proposal_to_won_cohort JOIN (SELECT stage_change.opportunity_id AS link, CAST(stage_change.changed_at AS DATE) AS `day` 
FROM opportunity_stage_history AS stage_change 
WHERE (stage_change.to_stage = 'closed_won') AND stage_change.opportunity_id IS NOT NULL AND stage_change.changed_at IS NOT NULL) AS conversion_events ON conversion_events.link = proposal_to_won_cohort.link AND conversion_events.`day` >= CAST(proposal_to_won_cohort.event_time AS DATE) AND conversion_events.`day` <= date_add(CAST(CAST(proposal_to_won_cohort.event_time AS DATE) AS DATE), 180)) AS converted ON converted.subject = proposal_to_won_cohort.subject GROUP BY 1), 
spine AS /* the 6 month periods of the time range */ 
(SELECT periods.period AS period 
FROM (VALUES (:param_13), (:param_14), (:param_15), (:param_16), (:param_17), (:param_18)) AS periods (period)), 
combined AS /* combine lead_to_mql_30d_lead_conversion, mql_to_sql_14d_lead_conversion, lead_to_opportunity_90d_lead_conversion, proposal_to_won_opportunity_conversion on period, every period of the spine included */ 
(SELECT spine.period AS period, lead_to_mql_30d_lead_conversion.lead_to_mql_30d__cohort AS lead_to_mql_30d__cohort, lead_to_mql_30d_lead_conversion.lead_to_mql_30d__converted AS lead_to_mql_30d__converted, lead_to_mql_30d_lead_conversion.lead_to_mql_30d__open AS lead_to_mql_30d__open, mql_to_sql_14d_lead_conversion.mql_to_sql_14d__cohort AS mql_to_sql_14d__cohort, mql_to_sql_14d_lead_conversion.mql_to_sql_14d__converted AS mql_to_sql_14d__converted, mql_to_sql_14d_lead_conversion.mql_to_sql_14d__open AS mql_to_sql_14d__open, lead_to_opportunity_90d_lead_conversion.lead_to_opportunity_90d__cohort AS lead_to_opportunity_90d__cohort, lead_to_opportunity_90d_lead_conversion.lead_to_opportunity_90d__converted AS lead_to_opportunity_90d__converted, lead_to_opportunity_90d_lead_conversion.lead_to_opportunity_90d__open AS lead_to_opportunity_90d__open, proposal_to_won_opportunity_conversion.proposal_to_won__cohort AS proposal_to_won__cohort, proposal_to_won_opportunity_conversion.proposal_to_won__converted AS proposal_to_won__converted, proposal_to_won_opportunity_conversion.proposal_to_won__open AS proposal_to_won__open 
FROM spine LEFT OUTER JOIN lead_to_mql_30d_lead_conversion ON spine.period IS NOT DISTINCT FROM lead_to_mql_30d_lead_conversion.period LEFT OUTER JOIN mql_to_sql_14d_lead_conversion ON spine.period IS NOT DISTINCT FROM mql_to_sql_14d_lead_conversion.period LEFT OUTER JOIN lead_to_opportunity_90d_lead_conversion ON spine.period IS NOT DISTINCT FROM lead_to_opportunity_90d_lead_conversion.period LEFT OUTER JOIN proposal_to_won_opportunity_conversion ON spine.period IS NOT DISTINCT FROM proposal_to_won_opportunity_conversion.period)
 SELECT /* compute lead_to_mql_30d, lead_mqls_30d, mql_to_sql_14d, lead_to_opportunity_90d, proposal_to_won; order by period */ combined.period AS period, CASE WHEN lead_to_mql_30d__open = 1 THEN NULL ELSE CAST((COALESCE(lead_to_mql_30d__converted, 0)) AS DOUBLE) / NULLIF(COALESCE(lead_to_mql_30d__cohort, 0), 0) END AS lead_to_mql_30d, COALESCE(lead_to_mql_30d__converted, 0) AS lead_mqls_30d, CASE WHEN mql_to_sql_14d__open = 1 THEN NULL ELSE CAST((COALESCE(mql_to_sql_14d__converted, 0)) AS DOUBLE) / NULLIF(COALESCE(mql_to_sql_14d__cohort, 0), 0) END AS mql_to_sql_14d, CASE WHEN lead_to_opportunity_90d__open = 1 THEN NULL ELSE CAST((COALESCE(lead_to_opportunity_90d__converted, 0)) AS DOUBLE) / NULLIF(COALESCE(lead_to_opportunity_90d__cohort, 0), 0) END AS lead_to_opportunity_90d, CASE WHEN proposal_to_won__open = 1 THEN NULL ELSE CAST((COALESCE(proposal_to_won__converted, 0)) AS DOUBLE) / NULLIF(COALESCE(proposal_to_won__cohort, 0), 0) END AS proposal_to_won 
FROM combined ORDER BY combined.period ASC NULLS LAST
