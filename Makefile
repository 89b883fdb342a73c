# QHealth. The two entry points:
#   make dev            run the system locally (gateway, database, SES emulator); Ctrl-C stops it
#   make test           every check CI runs: fmt, clippy, Lambda zips, tests, .sqlx check, template lint, smoke test
# The logic lives in infra/*.sh and tests/smoke.sh; these targets only call them.

.PHONY: help dev test smoke lambda sqlx-prepare docs sam-validate web-e2e web-measure

help:
	@sed -n 's/^#   //p' $(MAKEFILE_LIST)

dev:
	@bash infra/dev.sh

test:
	@bash infra/test.sh

#   make smoke          only the end-to-end smoke test over HTTP (tests/smoke.sh)
smoke:
	@bash tests/smoke.sh

#   make lambda         the Lambda functions as deployed: release arm64 zips in target/lambda/, each <= 5 MB
lambda:
	@bash infra/lambda-build.sh

#   make sqlx-prepare   regenerate .sqlx/ after changing a query or a migration
sqlx-prepare:
	@bash infra/sqlx-prepare.sh

#   make docs           regenerate docs/openapi.json and the Postman collection from the code
docs:
	@bash infra/docs.sh

#   make sam-validate   SAM's own check of template.yaml, sam validate --lint (needs `pip install aws-sam-cli`)
sam-validate:
	@AWS_DEFAULT_REGION=$${AWS_DEFAULT_REGION:-eu-north-1} SAM_CLI_TELEMETRY=0 sam validate --lint --template-file template.yaml

#   make web-e2e        only the web app's browser tests (after `npm run build` in frontend/)
web-e2e:
	@bash frontend/e2e/run.sh

#   make web-measure    the web app's bundle size and home-page LCP (docs/PERFORMANCE.md)
web-measure:
	@bash frontend/e2e/measure.sh
