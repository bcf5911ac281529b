-- @param_1 = DATE '2025-11-15'
-- @param_2 = TIMESTAMP '2025-01-01 00:00:00'
-- @param_3 = TIMESTAMP '2025-07-01 00:00:00'
-- @param_4 = DATE '2025-11-15'
-- @param_5 = TIMESTAMP '2025-01-01 00:00:00'
-- @param_6 = TIMESTAMP '2025-07-01 00:00:00'
-- @param_7 = TIMESTAMP '2025-01-01 00:00:00'
-- @param_8 = TIMESTAMP '2025-07-01 00:00:00'
-- @param_9 = DATE '2025-11-15'
-- @param_10 = TIMESTAMP '2025-01-01 00:00:00'
-- @param_11 = TIMESTAMP '2025-07-01 00:00:00'
-- @param_12 = DATE '2025-11-15'
-- @param_13 = DATE '2025-01-01'
-- @param_14 = DATE '2025-02-01'
-- @param_15 = DATE '2025-03-01'
-- @param_16 = DATE '2025-04-01'
-- @param_17 = DATE '2025-05-01'
-- @param_18 = DATE '2025-06-01'
WITH `lead_to_mql_30d_lead_conversion` AS /* read lead rows for lead.created_at, lead.mql_at */
/* count lead instances per month of lead.created_at, and those with lead.mql_at on or after lead.created_at within 30 days */ 
(SELECT DATE_TRUNC(CAST(CAST(lead.created_at AS DATE) AS DATE), MONTH) AS `period`, count(*) AS `lead_to_mql_30d__cohort`, count(CASE WHEN (CAST(lead.mql_at AS DATE) >= CAST(lead.created_at AS DATE) AND CAST(lead.mql_at AS DATE) <= DATE_ADD(CAST(lead.created_at AS DATE), INTERVAL 30 DAY) AND (NOT lead.mql_at IS NULL AND lead.status <> 'disqualified')) THEN 1 END) AS `lead_to_mql_30d__converted`, CASE WHEN (DATE_ADD(DATE_ADD(DATE_ADD(DATE_TRUNC(CAST(CAST(min(lead.created_at) AS DATE) AS DATE), MONTH), INTERVAL 1 MONTH), INTERVAL -1 DAY), INTERVAL 30 DAY) >= CAST(@param_1 AS DATE)) THEN 1 ELSE 0 END AS `lead_to_mql_30d__open` 
FROM `leads` AS `lead` 
WHERE (lead.status <> 'duplicate') AND lead.created_at IS NOT NULL AND CAST(lead.created_at AS DATETIME) >= @param_2 AND CAST(lead.created_at AS DATETIME) < @param_3 GROUP BY 1), 
`mql_to_sql_14d_lead_conversion` AS /* read lead rows for lead.mql_at, lead.sql_at */
/* count lead instances per month of lead.mql_at, and those with lead.sql_at on or after lead.mql_at within 14 days */ 
(SELECT DATE_TRUNC(CAST(CAST(lead.mql_at AS DATE) AS DATE), MONTH) AS `period`, count(*) AS `mql_to_sql_14d__cohort`, count(CASE WHEN (CAST(lead.sql_at AS DATE) >= CAST(lead.mql_at AS DATE) AND CAST(lead.sql_at AS DATE) <= DATE_ADD(CAST(lead.mql_at AS DATE), INTERVAL 14 DAY) AND (NOT lead.sql_at IS NULL AND lead.status <> 'disqualified')) THEN 1 END) AS `mql_to_sql_14d__converted`, CASE WHEN (DATE_ADD(DATE_ADD(DATE_ADD(DATE_TRUNC(CAST(CAST(min(lead.mql_at) AS DATE) AS DATE), MONTH), INTERVAL 1 MONTH), INTERVAL -1 DAY), INTERVAL 14 DAY) >= CAST(@param_4 AS DATE)) THEN 1 ELSE 0 END AS `mql_to_sql_14d__open` 
FROM `leads` AS `lead` 
WHERE (NOT lead.mql_at IS NULL AND lead.status <> 'disqualified') AND lead.mql_at IS NOT NULL AND CAST(lead.mql_at AS DATETIME) >= @param_5 AND CAST(lead.mql_at AS DATETIME) < @param_6 GROUP BY 1), 
`lead_to_opportunity_90d_cohort` AS /* read lead rows for lead.created_at */
/* read contact rows */
/* join lead to contact along contact (many-to-one, so no lead row repeats) */
/* lead instances with their cohort day in the time range */ 
(SELECT lead.lead_id AS `subject`, contact.account_id AS `link`, lead.created_at AS `event_time` 
FROM `leads` AS `lead` LEFT OUTER JOIN `contacts` AS `contact` ON lead.contact_id = contact.contact_id 
WHERE (lead.status <> 'duplicate') AND lead.created_at IS NOT NULL AND lead.lead_id IS NOT NULL AND CAST(lead.created_at AS DATETIME) >= @param_7 AND CAST(lead.created_at AS DATETIME) < @param_8), 
`lead_to_opportunity_90d_lead_conversion` AS /* read opportunity rows for opportunity.created_at */
/* count lead instances per month of lead.created_at, and those with opportunity.created_at on or after lead.created_at within 90 days */ 
(SELECT DATE_TRUNC(CAST(CAST(`lead_to_opportunity_90d_cohort`.`event_time` AS DATE) AS DATE), MONTH) AS `period`, count(*) AS `lead_to_opportunity_90d__cohort`, count(`converted`.`subject`) AS `lead_to_opportunity_90d__converted`, CASE WHEN (DATE_ADD(DATE_ADD(DATE_ADD(DATE_TRUNC(CAST(CAST(min(`lead_to_opportunity_90d_cohort`.`event_time`) AS DATE) AS DATE), MONTH), INTERVAL 1 MONTH), INTERVAL -1 DAY), INTERVAL 90 DAY) >= CAST(@param_9 AS DATE)) THEN 1 ELSE 0 END AS `lead_to_opportunity_90d__open` 
FROM `lead_to_opportunity_90d_cohort` LEFT OUTER JOIN (SELECT DISTINCT `lead_to_opportunity_90d_cohort`.`subject` AS `subject` 
FROM `lead_to_opportunity_90d_cohort` JOIN (SELECT opportunity.account_id AS `link`, CAST(opportunity.created_at AS DATE) AS `day` 
FROM `opportunities` AS `opportunity` 
WHERE opportunity.account_id IS NOT NULL AND opportunity.created_at IS NOT NULL) AS `conversion_events` ON `conversion_events`.`link` = `lead_to_opportunity_90d_cohort`.`link` AND `conversion_events`.`day` >= CAST(`lead_to_opportunity_90d_cohort`.`event_time` AS DATE) AND `conversion_events`.`day` <= DATE_ADD(CAST(`lead_to_opportunity_90d_cohort`.`event_time` AS DATE), INTERVAL 90 DAY)) AS `converted` ON `converted`.`subject` = `lead_to_opportunity_90d_cohort`.`subject` GROUP BY 1), 
`proposal_to_won_cohort` AS /* read stage_change rows for stage_change.changed_at */
/* opportunity instances with their cohort day, each by its first base event in the time range */ 
(SELECT stage_change.opportunity_id AS `subject`, stage_change.opportunity_id AS `link`, min(stage_change.changed_at) AS `event_time` 
FROM `opportunity_stage_history` AS `stage_change` 
WHERE (stage_change.to_stage = 'proposal') AND stage_change.changed_at IS NOT NULL AND stage_change.opportunity_id IS NOT NULL GROUP BY 1, 2 
HAVING CAST(min(stage_change.changed_at) AS DATETIME) >= @param_10 AND CAST(min(stage_change.changed_at) AS DATETIME) < @param_11), 
`proposal_to_won_opportunity_conversion` AS /* read stage_change rows for stage_change.changed_at */
/* count opportunity instances per month of stage_change.changed_at, and those with stage_change.changed_at on or after stage_change.changed_at within 180 days */ 
(SELECT DATE_TRUNC(CAST(CAST(`proposal_to_won_cohort`.`event_time` AS DATE) AS DATE), MONTH) AS `period`, count(*) AS `proposal_to_won__cohort`, count(`converted`.`subject`) AS `proposal_to_won__converted`, CASE WHEN (DATE_ADD(DATE_ADD(DATE_ADD(DATE_TRUNC(CAST(CAST(min(`proposal_to_won_cohort`.`event_time`) AS DATE) AS DATE), MONTH), INTERVAL 1 MONTH), INTERVAL -1 DAY), INTERVAL 180 DAY) >= CAST(@param_12 AS DATE)) THEN 1 ELSE 0 END AS `proposal_to_won__open` 
FROM `proposal_to_won_cohort` LEFT OUTER JOIN (SELECT DISTINCT `proposal_to_won_cohort`.`subject` AS `subject` 
FROM `proposal_to_won_cohort` JOIN (SELECT stage_change.opportunity_id AS `link`, CAST(stage_change.changed_at AS DATE) AS `day` 
FROM `opportunity_stage_history` AS `stage_change` 
WHERE (stage_change.to_stage = 'closed_won') AND stage_change.opportunity_id IS NOT NULL AND stage_change.changed_at IS NOT NULL) AS `conversion_events` ON `conversion_events`.`link` = `proposal_to_won_cohort`.`link` AND `conversion_events`.`day` >= CAST(`proposal_to_won_cohort`.`event_time` AS DATE) AND `conversion_events`.`day` <= DATE_ADD(CAST(`proposal_to_won_cohort`.`event_time` AS DATE), INTERVAL 180 DAY)) AS `converted` ON `converted`.`subject` = `proposal_to_won_cohort`.`subject` GROUP BY 1), 
`spine` AS /* the 6 month periods of the time range */ 
(SELECT `periods`.`period` AS `period` 
FROM (SELECT CAST(@param_13 AS DATE) AS `period` UNION ALL SELECT CAST(@param_14 AS DATE) AS `period` UNION ALL SELECT CAST(@param_15 AS DATE) AS `period` UNION ALL SELECT CAST(@param_16 AS DATE) AS `period` UNION ALL SELECT CAST(@param_17 AS DATE) AS `period` UNION ALL SELECT CAST(@param_18 AS DATE) AS `period`) AS `periods`), 
`combined` AS /* combine lead_to_mql_30d_lead_conversion, mql_to_sql_14d_lead_conversion, lead_to_opportunity_90d_lead_conversion, proposal_to_won_opportunity_conversion on period, every period of the spine included */ 
(SELECT `spine`.`period` AS `period`, `lead_to_mql_30d_lead_conversion`.`lead_to_mql_30d__cohort` AS `lead_to_mql_30d__cohort`, `lead_to_mql_30d_lead_conversion`.`lead_to_mql_30d__converted` AS `lead_to_mql_30d__converted`, `lead_to_mql_30d_lead_conversion`.`lead_to_mql_30d__open` AS `lead_to_mql_30d__open`, `mql_to_sql_14d_lead_conversion`.`mql_to_sql_14d__cohort` AS `mql_to_sql_14d__cohort`, `mql_to_sql_14d_lead_conversion`.`mql_to_sql_14d__converted` AS `mql_to_sql_14d__converted`, `mql_to_sql_14d_lead_conversion`.`mql_to_sql_14d__open` AS `mql_to_sql_14d__open`, `lead_to_opportunity_90d_lead_conversion`.`lead_to_opportunity_90d__cohort` AS `lead_to_opportunity_90d__cohort`, `lead_to_opportunity_90d_lead_conversion`.`lead_to_opportunity_90d__converted` AS `lead_to_opportunity_90d__converted`, `lead_to_opportunity_90d_lead_conversion`.`lead_to_opportunity_90d__open` AS `lead_to_opportunity_90d__open`, `proposal_to_won_opportunity_conversion`.`proposal_to_won__cohort` AS `proposal_to_won__cohort`, `proposal_to_won_opportunity_conversion`.`proposal_to_won__converted` AS `proposal_to_won__converted`, `proposal_to_won_opportunity_conversion`.`proposal_to_won__open` AS `proposal_to_won__open` 
FROM `spine` LEFT OUTER JOIN `lead_to_mql_30d_lead_conversion` ON `spine`.`period` IS NOT DISTINCT FROM `lead_to_mql_30d_lead_conversion`.`period` LEFT OUTER JOIN `mql_to_sql_14d_lead_conversion` ON `spine`.`period` IS NOT DISTINCT FROM `mql_to_sql_14d_lead_conversion`.`period` LEFT OUTER JOIN `lead_to_opportunity_90d_lead_conversion` ON `spine`.`period` IS NOT DISTINCT FROM `lead_to_opportunity_90d_lead_conversion`.`period` LEFT OUTER JOIN `proposal_to_won_opportunity_conversion` ON `spine`.`period` IS NOT DISTINCT FROM `proposal_to_won_opportunity_conversion`.`period`)
 SELECT /* compute lead_to_mql_30d, lead_mqls_30d, mql_to_sql_14d, lead_to_opportunity_90d, proposal_to_won; order by period */ `combined`.`period` AS `period`, CASE WHEN lead_to_mql_30d__open = 1 THEN NULL ELSE CAST((COALESCE(lead_to_mql_30d__converted, 0)) AS FLOAT64) / NULLIF(COALESCE(lead_to_mql_30d__cohort, 0), 0) END AS `lead_to_mql_30d`, COALESCE(lead_to_mql_30d__converted, 0) AS `lead_mqls_30d`, CASE WHEN mql_to_sql_14d__open = 1 THEN NULL ELSE CAST((COALESCE(mql_to_sql_14d__converted, 0)) AS FLOAT64) / NULLIF(COALESCE(mql_to_sql_14d__cohort, 0), 0) END AS `mql_to_sql_14d`, CASE WHEN lead_to_opportunity_90d__open = 1 THEN NULL ELSE CAST((COALESCE(lead_to_opportunity_90d__converted, 0)) AS FLOAT64) / NULLIF(COALESCE(lead_to_opportunity_90d__cohort, 0), 0) END AS `lead_to_opportunity_90d`, CASE WHEN proposal_to_won__open = 1 THEN NULL ELSE CAST((COALESCE(proposal_to_won__converted, 0)) AS FLOAT64) / NULLIF(COALESCE(proposal_to_won__cohort, 0), 0) END AS `proposal_to_won` 
FROM `combined` ORDER BY `combined`.`period` ASC NULLS LAST
