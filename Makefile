# Targets that `sam build` calls for functions with `BuildMethod: makefile`.
# SAM runs `make build-<LogicalId>` with ARTIFACTS_DIR set; the artefact is the static bootstrap.
# The function name is the logical id without `Function`, in kebab case (RuntimeProbeFunction -> runtime-probe).

define copy-bootstrap
	scripts/build $(1)
	cp .build/lambda/$(1)/bootstrap "$(ARTIFACTS_DIR)/bootstrap"
	if [ -d .build/lambda/$(1)/templates ]; then cp -R .build/lambda/$(1)/templates "$(ARTIFACTS_DIR)/templates"; fi
endef

build-RuntimeProbeFunction:
	$(call copy-bootstrap,runtime-probe)

build-BidPersistenceFunction:
	$(call copy-bootstrap,bid-persistence)

build-NotificationsFunction:
	$(call copy-bootstrap,notifications)

build-ApiFunction:
	$(call copy-bootstrap,api)

build-BidExecutorFunction:
	$(call copy-bootstrap,bid-executor)

build-OrderValidationFunction:
	$(call copy-bootstrap,order-validation)

build-ImageProcessingFunction:
	$(call copy-bootstrap,image-processing)

build-CleanupFunction:
	$(call copy-bootstrap,cleanup)

build-BidExportFunction:
	$(call copy-bootstrap,bid-export)

.PHONY: build-RuntimeProbeFunction build-BidPersistenceFunction build-NotificationsFunction build-ApiFunction \
	build-BidExecutorFunction build-OrderValidationFunction build-ImageProcessingFunction build-CleanupFunction \
	build-BidExportFunction
