-- The sandbox's active workflows. The first two are shaped like the probe workflows the n8n
-- fixtures were captured with (same ids and webhook paths), so executions look like the
-- recorded ones; the third is what a drill's prober (GET, 10/s) calls through nginx.
--   POST /webhook/probe-wait   Webhook -> Wait 2s -> Done     ends in status success
--   POST /webhook/probe-error  Webhook -> Stop and Error      ends in status error
--   GET  /webhook/probe-get    Webhook -> Done                ends in status success at once
-- Loaded by scripts/sandbox.sh after n8n's own schema (tests/data/postgres/...schema_full.sql).

INSERT INTO public.workflow_entity
    (id, name, active, nodes, connections, settings, "versionId", "triggerCount")
VALUES
('probeQueueWf0001', 'probe-webhook-wait-2s', true,
 '[{"id":"11111111-1111-4111-8111-111111111111","name":"Webhook","type":"n8n-nodes-base.webhook","typeVersion":2,"position":[0,0],"webhookId":"aaaaaaaa-1111-4111-8111-aaaaaaaaaaaa","parameters":{"httpMethod":"POST","path":"probe-wait","responseMode":"onReceived","options":{}}},
   {"id":"22222222-2222-4222-8222-222222222222","name":"Wait 2s","type":"n8n-nodes-base.wait","typeVersion":1.1,"position":[220,0],"webhookId":"bbbbbbbb-2222-4222-8222-bbbbbbbbbbbb","parameters":{"resume":"timeInterval","amount":2,"unit":"seconds"}},
   {"id":"33333333-3333-4333-8333-333333333333","name":"Done","type":"n8n-nodes-base.noOp","typeVersion":1,"position":[440,0],"parameters":{}}]',
 '{"Webhook":{"main":[[{"node":"Wait 2s","type":"main","index":0}]]},"Wait 2s":{"main":[[{"node":"Done","type":"main","index":0}]]}}',
 '{"executionOrder":"v1","saveDataSuccessExecution":"all","saveDataErrorExecution":"all"}',
 '0a1b2c3d-0001-4000-8000-000000000001', 1),
('probeErrorWf0002', 'probe-webhook-error', true,
 '[{"id":"44444444-4444-4444-8444-444444444444","name":"Webhook","type":"n8n-nodes-base.webhook","typeVersion":2,"position":[0,0],"webhookId":"cccccccc-4444-4444-8444-cccccccccccc","parameters":{"httpMethod":"POST","path":"probe-error","responseMode":"onReceived","options":{}}},
   {"id":"55555555-5555-4555-8555-555555555555","name":"Fail","type":"n8n-nodes-base.stopAndError","typeVersion":1,"position":[220,0],"parameters":{"errorMessage":"probe: deliberate failure"}}]',
 '{"Webhook":{"main":[[{"node":"Fail","type":"main","index":0}]]}}',
 '{"executionOrder":"v1"}',
 '0a1b2c3d-0002-4000-8000-000000000002', 1),
('probeGetWf000003', 'probe-webhook-get', true,
 '[{"id":"66666666-6666-4666-8666-666666666666","name":"Webhook","type":"n8n-nodes-base.webhook","typeVersion":2,"position":[0,0],"webhookId":"dddddddd-6666-4666-8666-dddddddddddd","parameters":{"httpMethod":"GET","path":"probe-get","responseMode":"onReceived","options":{}}},
   {"id":"77777777-7777-4777-8777-777777777777","name":"Done","type":"n8n-nodes-base.noOp","typeVersion":1,"position":[220,0],"parameters":{}}]',
 '{"Webhook":{"main":[[{"node":"Done","type":"main","index":0}]]}}',
 '{"executionOrder":"v1"}',
 '0a1b2c3d-0003-4000-8000-000000000003', 1);

INSERT INTO public.webhook_entity ("webhookPath", method, node, "webhookId", "pathLength", "workflowId")
VALUES
('probe-wait', 'POST', 'Webhook', NULL, NULL, 'probeQueueWf0001'),
('probe-error', 'POST', 'Webhook', NULL, NULL, 'probeErrorWf0002'),
('probe-get', 'GET', 'Webhook', NULL, NULL, 'probeGetWf000003');
