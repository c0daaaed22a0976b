# fuzz/fuzz.mk - the libFuzzer target of the text engine, included by the
# Makefile. libFuzzer needs clang, whatever $(CC) is, so the engine is
# compiled again here with clang and the fuzzer's coverage, ASan and UBSan,
# into $(BUILD)/fuzz/.
#
#   make fuzz         60 s of fuzzing on $(BUILD)/fuzz-corpus, which starts as
#                     a copy of fuzz/corpus/ and keeps what the runs find
#   make fuzz-smoke   a short run from the seeds alone (part of make test)
#
# A crash leaves its input in fuzz/artifacts/ (ignored by git); replay it
# with $(BUILD)/fuzz/fuzz_text fuzz/artifacts/crash-...

FUZZ_CC      ?= clang
FUZZ_TIME    ?= 60
FUZZ_SMOKE_RUNS ?= 200000
FUZZ_SMOKE_TIME ?= 30
FUZZ_DIR      = $(BUILD)/fuzz
FUZZ_BIN      = $(FUZZ_DIR)/fuzz_text
FUZZ_CORPUS   = $(BUILD)/fuzz-corpus
FUZZ_SAN      = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS   = $(CSTD) -O1 -g $(WARN) -Isrc -I$(BUILD)/gen $(PKG_CFLAGS) $(FUZZ_SAN)
FUZZ_OBJ      = $(TEXT_SRC:%.c=$(FUZZ_DIR)/%.o) $(GEN_SRC:$(BUILD)/gen/%.c=$(FUZZ_DIR)/gen/%.o)
# -max_len: posts are short; 4 KiB leaves room for long URLs and runs of marks.
FUZZ_ENV      = UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
FUZZ_FLAGS    = -max_len=4096 -timeout=10 -dict=fuzz/text.dict \
                -artifact_prefix=fuzz/artifacts/ -print_final_stats=1

# clang and its libFuzzer runtime are Debian packages of their own, which the
# library check behind $(DEPS_STAMP) does not look for.
FUZZ_STAMP    = $(FUZZ_DIR)/.clang-ok
$(FUZZ_STAMP): | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@if printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }\n' | \
	    $(FUZZ_CC) -fsanitize=fuzzer -x c - -o $(FUZZ_DIR)/.probe 2>/dev/null; then :; \
	 else echo "make: $(FUZZ_CC) with libFuzzer missing, running scripts/install-deps.sh"; \
	      ./scripts/install-deps.sh; fi
	@rm -f $(FUZZ_DIR)/.probe
	@touch $@

$(FUZZ_DIR)/%.o: %.c | $(FUZZ_STAMP)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@

# Generated tables (TLDs, emoji): made by the Makefile's rules in $(BUILD)/gen/.
$(FUZZ_DIR)/gen/%.o: $(BUILD)/gen/%.c | $(FUZZ_STAMP)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c $< -o $@

$(FUZZ_BIN): fuzz/fuzz_text.c $(FUZZ_OBJ)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -MMD -MP -o $@ fuzz/fuzz_text.c $(FUZZ_OBJ) \
	  $(PKG_LIBS) -lm

# Prints the log's summary: executions, speed, corpus size.
define fuzz_report
	@grep -E '^(Done [0-9]+ runs|stat::number_of_executed_units|stat::average_exec_per_sec|#[0-9]+.*DONE)' $(1) || true
endef

fuzz: $(FUZZ_BIN)
	@mkdir -p $(FUZZ_CORPUS) fuzz/artifacts
	@cp fuzz/corpus/* $(FUZZ_CORPUS)/
	@echo "fuzz: $(FUZZ_TIME) s on $(FUZZ_CORPUS) (log: $(FUZZ_DIR)/fuzz.log)"
	@$(FUZZ_ENV) $(FUZZ_BIN) $(FUZZ_FLAGS) -max_total_time=$(FUZZ_TIME) $(FUZZ_CORPUS) \
	   > $(FUZZ_DIR)/fuzz.log 2>&1; rc=$$?; \
	 if [ $$rc -ne 0 ]; then tail -n 60 $(FUZZ_DIR)/fuzz.log; echo "fuzz: FAILED (exit $$rc); replay: $(FUZZ_BIN) fuzz/artifacts/<file>"; exit 1; fi
	$(call fuzz_report,$(FUZZ_DIR)/fuzz.log)
	@echo "fuzz: corpus now $$(ls $(FUZZ_CORPUS) | wc -l) files"

# New inputs go to a throwaway directory; the seeds are only read.
fuzz-smoke: $(FUZZ_BIN)
	@rm -rf $(FUZZ_DIR)/smoke-corpus && mkdir -p $(FUZZ_DIR)/smoke-corpus fuzz/artifacts
	@echo "fuzz-smoke: $(FUZZ_SMOKE_RUNS) runs or $(FUZZ_SMOKE_TIME) s from fuzz/corpus/"
	@$(FUZZ_ENV) $(FUZZ_BIN) $(FUZZ_FLAGS) -runs=$(FUZZ_SMOKE_RUNS) -max_total_time=$(FUZZ_SMOKE_TIME) -seed=1 \
	   $(FUZZ_DIR)/smoke-corpus fuzz/corpus > $(FUZZ_DIR)/smoke.log 2>&1; rc=$$?; \
	 if [ $$rc -ne 0 ]; then tail -n 60 $(FUZZ_DIR)/smoke.log; echo "fuzz-smoke: FAILED (exit $$rc); replay: $(FUZZ_BIN) fuzz/artifacts/<file>"; exit 1; fi
	$(call fuzz_report,$(FUZZ_DIR)/smoke.log)
