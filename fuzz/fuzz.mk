# fuzz/fuzz.mk - the libFuzzer targets, included by the Makefile. libFuzzer
# needs clang, whatever $(CC) is, so the sources are compiled again here with
# clang and the fuzzer's coverage, ASan and UBSan, into $(BUILD)/fuzz/.
#
#   text      the text engine (fuzz_text.c)
#   http      the router, query strings and forms, cookies, multipart bodies
#   api       the handlers of every endpoint that writes, on a real store
#   document  the event document: import, pages and exports, round trip
#   import    the importers: list, tweets.js, outbox, the archive's zip
#   markdown  the Markdown fields of an event (cmark, made safe)
#   image     the media uploads' type sniffing and metadata stripping
#
#   make fuzz         FUZZ_TIME seconds (default 60) for each of FUZZ_TARGETS,
#                     on $(BUILD)/fuzz-corpus/TARGET, which starts as a copy of
#                     fuzz/corpus/TARGET and keeps what the runs find; prints
#                     each target's executions, speed and corpus size
#   make fuzz-smoke   a short run of each from its seeds alone (part of make test)
#   make fuzz-seed    regenerates fuzz/corpus/ from the tests (fuzz/seed.py)
#
# One target, longer: make fuzz FUZZ_TARGETS=api FUZZ_TIME=600. A crash
# leaves its input in fuzz/artifacts/ (ignored by git); replay it with
# $(BUILD)/fuzz/fuzz_TARGET fuzz/artifacts/crash-...

FUZZ_CC      ?= clang
FUZZ_TIME    ?= 60
FUZZ_SMOKE_TIME ?= 12
FUZZ_TARGETS ?= text http api document import markdown image
FUZZ_DIR      = $(BUILD)/fuzz
FUZZ_CORPUS   = $(BUILD)/fuzz-corpus
# clang's word for the rate limiters' deliberate '|' of two calls (both must run).
FUZZ_WARN     = -Wno-bitwise-instead-of-logical
FUZZ_SAN      = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS   = $(CSTD) -O1 -g $(WARN) $(FUZZ_WARN) -Isrc -I. -I$(BUILD)/gen $(PKG_CFLAGS) $(FUZZ_SAN)
FUZZ_TEXT_OBJ = $(TEXT_SRC:%.c=$(FUZZ_DIR)/%.o) $(GEN_SRC:$(BUILD)/gen/%.c=$(FUZZ_DIR)/gen/%.o)
FUZZ_SERVER_OBJ = $(SERVER_SRC:%.c=$(FUZZ_DIR)/%.o)
FUZZ_ENV      = UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# The server's log goes through fuzz/harness.c, quiet unless GZ_FUZZ_LOG is set.
FUZZ_WRAP     = -Wl,--wrap=log_info -Wl,--wrap=log_warnx

# Per target: the longest input, and the dictionary.
FUZZ_MAXLEN_text     = 4096
FUZZ_MAXLEN_http     = 8192
FUZZ_MAXLEN_api      = 16384
FUZZ_MAXLEN_document = 65536
FUZZ_MAXLEN_import   = 65536
FUZZ_MAXLEN_markdown = 8192
FUZZ_MAXLEN_image    = 32768
FUZZ_DICT_text       = fuzz/text.dict
FUZZ_DICT_http       = fuzz/http.dict
FUZZ_DICT_api        = fuzz/json.dict
FUZZ_DICT_document   = fuzz/json.dict
FUZZ_DICT_import     = fuzz/json.dict
FUZZ_DICT_markdown   = fuzz/markdown.dict
FUZZ_DICT_image      = fuzz/image.dict
fuzz_flags = -max_len=$(FUZZ_MAXLEN_$(1)) -timeout=10 -dict=$(FUZZ_DICT_$(1)) \
             -artifact_prefix=fuzz/artifacts/$(1)- -print_final_stats=1

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

$(FUZZ_DIR)/libgztext.a: $(FUZZ_TEXT_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(FUZZ_DIR)/libgzserver.a: $(FUZZ_SERVER_OBJ)
	@rm -f $@
	ar rcs $@ $^

# The text engine's target links the engine alone; the others the whole server.
$(FUZZ_DIR)/fuzz_text: fuzz/fuzz_text.c $(FUZZ_DIR)/libgztext.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -MMD -MP -o $@ $(filter %.c %.a,$^) $(PKG_LIBS) -lm

$(FUZZ_DIR)/fuzz_%: fuzz/fuzz_%.c $(FUZZ_DIR)/fuzz/harness.o $(FUZZ_DIR)/libgzserver.a \
                    $(FUZZ_DIR)/libgztext.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -MMD -MP $(FUZZ_WRAP) -pthread -o $@ \
	  $(filter %.c %.o %.a,$^) $(PKG_LIBS) -lm

.SECONDARY: $(FUZZ_DIR)/fuzz/harness.o

# Prints a log's summary on one line: executions, speed, corpus size.
fuzz_report = awk -v t=$(1) '/^stat::number_of_executed_units/ {n=$$2} \
	  /^stat::average_exec_per_sec/ {s=$$2} \
	  /^\#[0-9]+.*(DONE|INITED)/ {for (i=1;i<=NF;i++) if ($$i=="corp:") c=$$(i+1)} \
	  END {printf "fuzz: %-9s %10d executions, %6d/s, corpus %s\n", t, n, s, c}' $(2)

# Runs target $(1) with libFuzzer options $(2) on corpus directories $(3); on a
# failure, prints the end of the log and how to replay.
define fuzz_run
	@$(FUZZ_ENV) $(FUZZ_DIR)/fuzz_$(1) $(call fuzz_flags,$(1)) $(2) $(3) \
	   > $(FUZZ_DIR)/$(1).log 2>&1; rc=$$?; \
	 if [ $$rc -ne 0 ]; then tail -n 60 $(FUZZ_DIR)/$(1).log; \
	   echo "fuzz: $(1) FAILED (exit $$rc); replay: $(FUZZ_DIR)/fuzz_$(1) fuzz/artifacts/$(1)-<file>"; \
	   exit 1; fi
	@$(call fuzz_report,$(1),$(FUZZ_DIR)/$(1).log)
endef

.PHONY: $(FUZZ_TARGETS:%=fuzz-%) $(FUZZ_TARGETS:%=fuzz-smoke-%)

fuzz: $(FUZZ_TARGETS:%=fuzz-%)

# One target's campaign: make fuzz-api FUZZ_TIME=600.
$(FUZZ_TARGETS:%=fuzz-%): fuzz-%: $(FUZZ_DIR)/fuzz_%
	@mkdir -p $(FUZZ_CORPUS)/$* fuzz/artifacts
	@cp fuzz/corpus/$*/* $(FUZZ_CORPUS)/$*/
	$(call fuzz_run,$*,-max_total_time=$(FUZZ_TIME),$(FUZZ_CORPUS)/$*)

fuzz-smoke: $(FUZZ_TARGETS:%=fuzz-smoke-%)

# New inputs go to a throwaway directory; the seeds are only read.
$(FUZZ_TARGETS:%=fuzz-smoke-%): fuzz-smoke-%: $(FUZZ_DIR)/fuzz_%
	@rm -rf $(FUZZ_DIR)/smoke-$* && mkdir -p $(FUZZ_DIR)/smoke-$* fuzz/artifacts
	$(call fuzz_run,$*,-max_total_time=$(FUZZ_SMOKE_TIME) -seed=1,$(FUZZ_DIR)/smoke-$* fuzz/corpus/$*)

.PHONY: fuzz-seed
fuzz-seed:
	$(PYTHON) fuzz/seed.py
