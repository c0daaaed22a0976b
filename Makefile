# gazouillis - one GNU Makefile for the binary, the text engine library and
# every test. Libraries are found with pkg-config; when one is missing,
# scripts/install-deps.sh installs the Debian packages (see README.md).

CC      ?= cc
BUILD   ?= build
SHARED  ?= ../shared
CONFORMANCE_DIR ?= $(SHARED)/conformance/twitter-text
PYTHON  ?= /usr/bin/python3

# Libraries of the program and of its tests (pkg-config names).
PKGS      = libutf8proc libpcre2-8 jansson libmicrohttpd sqlite3 libsodium libcmark libqrencode \
            libzip zlib
TEST_PKGS = cmocka yaml-0.1

WARN    = -Wall -Wextra -Wstrict-prototypes -Wmissing-prototypes -Wshadow -Wpointer-arith \
          -Wno-unused-parameter
CSTD    = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
OPT    ?= -O2 -g
# Recursive (=) so that pkg-config runs after the deps stamp has installed them.
PKG_CFLAGS  = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS    = $(shell pkg-config --libs $(PKGS))
TEST_CFLAGS = $(shell pkg-config --cflags $(TEST_PKGS))
TEST_LIBS   = $(shell pkg-config --libs $(TEST_PKGS))
ALL_CFLAGS  = $(CSTD) $(OPT) $(WARN) -Isrc -I$(BUILD)/gen $(PKG_CFLAGS) $(CFLAGS)

SAN     = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
SAN_OPT = -O1

TEXT_SRC = $(wildcard src/text/*.c) $(wildcard src/core/*.c)
SERVER_SRC = $(foreach d,http store auth live api masto web,$(wildcard src/$(d)/*.c))
CLI_SRC  = $(wildcard src/cli/*.c) src/main.c
GEN_SRC  = $(BUILD)/gen/tld_table.c $(BUILD)/gen/emoji_table.c $(BUILD)/gen/age_table.c \
           $(BUILD)/gen/nfcqc_table.c
TEXT_OBJ = $(TEXT_SRC:%.c=$(BUILD)/%.o) $(GEN_SRC:.c=.o)
CLI_OBJ  = $(CLI_SRC:%.c=$(BUILD)/%.o)
SERVER_OBJ = $(SERVER_SRC:%.c=$(BUILD)/%.o)
UNIT_SRC = $(wildcard tests/unit/test_*.c)
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/asan/unit/%)

# Sanitized builds of the library for unit, conformance and fuzz smoke runs.
ASAN_TEXT_OBJ = $(TEXT_SRC:%.c=$(BUILD)/asan/%.o) $(GEN_SRC:$(BUILD)/gen/%.c=$(BUILD)/asan/gen/%.o)

DEPS_STAMP = $(BUILD)/.deps-ok

.PHONY: all deps check conformance e2e fuzz fuzz-smoke test asan bench clean format format-check run \
        coverage

all: $(BUILD)/gazouillis

# Installs the Debian packages only when pkg-config cannot find a library (or
# a data file or test tool of the list in scripts/install-deps.sh is missing).
deps: $(DEPS_STAMP)
$(DEPS_STAMP):
	@mkdir -p $(BUILD)
	@if pkg-config --exists $(PKGS) $(TEST_PKGS) 2>/dev/null && [ -r $(EMOJI_TEST) ] && \
	    command -v clang-format >/dev/null && [ -x /usr/bin/chromedriver ] && \
	    $(PYTHON) -c 'import pytest, requests, selenium, mastodon' 2>/dev/null && \
	    command -v toot >/dev/null; then :; \
	 else echo "make: a library or tool is missing, running scripts/install-deps.sh"; \
	      ./scripts/install-deps.sh; fi
	@touch $@

$(BUILD)/gen/tld_table.c: third_party/twitter-text/tld_lib.yml scripts/gen-tlds.sh
	@mkdir -p $(dir $@)
	./scripts/gen-tlds.sh $< > $@.tmp && mv $@.tmp $@

$(BUILD)/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

# Unicode's emoji sequences (Debian package unicode-data), for config v3.
EMOJI_TEST ?= /usr/share/unicode/emoji/emoji-test.txt
$(BUILD)/gen/emoji_table.c: scripts/gen-emoji.sh | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	./scripts/gen-emoji.sh $(EMOJI_TEST) > $@.tmp && mv $@.tmp $@

# The Unicode version of upstream's letter classes (Debian package unicode-data).
DERIVED_AGE ?= /usr/share/unicode/DerivedAge.txt
$(BUILD)/gen/age_table.c: scripts/gen-age.sh | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	./scripts/gen-age.sh $(DERIVED_AGE) > $@.tmp && mv $@.tmp $@

NORM_PROPS ?= /usr/share/unicode/DerivedNormalizationProps.txt
$(BUILD)/gen/nfcqc_table.c: scripts/gen-nfcqc.sh | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	./scripts/gen-nfcqc.sh $(NORM_PROPS) > $@.tmp && mv $@.tmp $@

$(BUILD)/gen/%.o: $(BUILD)/gen/%.c
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/libgztext.a: $(TEXT_OBJ)
	@rm -f $@
	ar rcs $@ $^

# The server's layers (http, store, auth, api, web) in one library.
$(BUILD)/libgzserver.a: $(SERVER_OBJ) | $(DEPS_STAMP)
	@rm -f $@
	ar rcs $@ $(SERVER_OBJ)

$(BUILD)/gazouillis: $(CLI_OBJ) $(BUILD)/libgzserver.a $(BUILD)/libgztext.a
	$(CC) $(OPT) -pthread -o $@ $^ $(PKG_LIBS) -lm $(LDFLAGS)

# ---- sanitized objects ----
$(BUILD)/asan/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(SAN) $(SAN_OPT) $(TEST_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/asan/gen/%.o: $(BUILD)/gen/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(SAN) $(SAN_OPT) -c $< -o $@

$(BUILD)/asan/libgztext.a: $(ASAN_TEXT_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/asan/libgzserver.a: $(SERVER_SRC:%.c=$(BUILD)/asan/%.o) | $(DEPS_STAMP)
	@rm -f $@
	ar rcs $@ $(SERVER_SRC:%.c=$(BUILD)/asan/%.o)

$(BUILD)/asan/unit/%: tests/unit/%.c $(BUILD)/asan/libgzserver.a $(BUILD)/asan/libgztext.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(SAN) $(SAN_OPT) $(TEST_CFLAGS) -MMD -MP -pthread -o $@ $< \
	  $(BUILD)/asan/libgzserver.a $(BUILD)/asan/libgztext.a $(PKG_LIBS) $(TEST_LIBS) -lm \
	  $(UNIT_LDFLAGS)

# test_oom fails the Nth allocation: malloc, realloc and calloc go through its
# __wrap_ functions (the text engine's own calls; not those inside libraries).
$(BUILD)/asan/unit/test_oom: UNIT_LDFLAGS = -Wl,--wrap=malloc -Wl,--wrap=realloc -Wl,--wrap=calloc

$(BUILD)/asan/conformance: $(wildcard tests/conformance/*.c) $(BUILD)/asan/libgztext.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(SAN) $(SAN_OPT) $(TEST_CFLAGS) -o $@ $(wildcard tests/conformance/*.c) \
	  $(BUILD)/asan/libgztext.a $(PKG_LIBS) $(TEST_LIBS) -lm

$(BUILD)/asan/gazouillis: $(CLI_SRC:%.c=$(BUILD)/asan/%.o) $(BUILD)/asan/libgzserver.a \
                          $(BUILD)/asan/libgztext.a
	$(CC) $(SAN) -pthread -o $@ $^ $(PKG_LIBS) -lm

# ---- tests ----
check: $(UNIT_BIN)
	@fail=0; for t in $(UNIT_BIN); do echo "== $$t"; $$t || fail=1; done; exit $$fail

conformance: $(BUILD)/asan/conformance
	$(BUILD)/asan/conformance $(CONFORMANCE_DIR)

e2e: $(BUILD)/gazouillis $(BUILD)/asan/gazouillis
	GAZOUILLIS_BIN=$(abspath $(BUILD)/gazouillis) GAZOUILLIS_ASAN_BIN=$(abspath $(BUILD)/asan/gazouillis) \
	  GAZOUILLIS_SHARED=$(abspath $(SHARED)) GAZOUILLIS_ARTIFACTS=$(abspath $(BUILD)/test-artifacts) \
	  $(PYTHON) -m pytest -q tests/e2e

include fuzz/fuzz.mk

# The security tests alone (issue 8; part of e2e too), with their figures:
# authorization matrix, XSS, CSRF and sessions, hostile input, slow clients,
# security headers (docs/RELIABILITY.md, "Security").
.PHONY: security
security: $(BUILD)/gazouillis $(BUILD)/asan/gazouillis
	GAZOUILLIS_BIN=$(abspath $(BUILD)/gazouillis) GAZOUILLIS_ASAN_BIN=$(abspath $(BUILD)/asan/gazouillis) \
	  GAZOUILLIS_SHARED=$(abspath $(SHARED)) $(PYTHON) -m pytest -q -s tests/e2e/test_94_security_*.py

# Line and branch coverage of src/ (issue 8): the unit, conformance and
# end-to-end tests again, on builds instrumented for gcov (-O0, no
# sanitizers) in $(COV_BUILD), then gcovr's figures: the whole of src/ and
# the text engine (src/text/). A failing test is shown but still counted.
# Counters are updated atomically: the server's threads (the live hub, the
# writer) otherwise race on them, and gcov reads the lost updates as
# negative counts that gcovr refuses. Objects built with other flags are
# thrown away first (make does not see a change of flags).
COV_BUILD = $(BUILD)/cov
COV_PROFILE = --coverage -fprofile-update=atomic
COV_FLAGS = -O0 -g $(COV_PROFILE)
.PHONY: coverage
coverage: deps
	@command -v gcovr >/dev/null || ./scripts/install-deps.sh
	@if [ "$$(cat $(COV_BUILD)/.flags 2>/dev/null)" != "$(COV_FLAGS)" ]; then \
	   rm -rf $(COV_BUILD); mkdir -p $(COV_BUILD); echo "$(COV_FLAGS)" > $(COV_BUILD)/.flags; fi
	@find $(COV_BUILD) -name '*.gcda' -delete 2>/dev/null || true
	@$(MAKE) --no-print-directory BUILD=$(COV_BUILD) OPT="$(COV_FLAGS)" SAN="$(COV_PROFILE)" SAN_OPT=-O0 \
	   check conformance e2e > $(COV_BUILD).log 2>&1 || \
	   { tail -n 30 $(COV_BUILD).log; echo "coverage: some tests failed (log: $(COV_BUILD).log)"; }
	@echo "coverage of src/ (gcovr; details: $(COV_BUILD)/coverage.html)"
	@gcovr --root . --filter 'src/' --object-directory $(COV_BUILD) --branches \
	   --exclude-unreachable-branches --html-details $(COV_BUILD)/coverage.html --print-summary \
	   --txt $(COV_BUILD)/coverage.txt | grep -E '^(lines|branches):'
	@echo "coverage of the text engine (src/text/)"
	@gcovr --root . --filter 'src/text/' --object-directory $(COV_BUILD) --branches \
	   --exclude-unreachable-branches --print-summary --txt $(COV_BUILD)/coverage-text.txt | \
	   grep -E '^(lines|branches):'

test: deps all format-check check conformance fuzz-smoke e2e
	@echo "make test: all tests passed"

asan: $(BUILD)/asan/gazouillis $(UNIT_BIN)

bench: $(BUILD)/libgztext.a
	./bench/run.sh

# fit under 1 ms, and what speaker attribution costs a post (issue 7); see bench/RESULTS.md.
.PHONY: bench-fit
bench-fit: $(BUILD)/bench_fit
	$(BUILD)/bench_fit

# gazouillis import on 100,000 messages (issue 7: under 10 s); see bench/RESULTS.md.
.PHONY: bench-import
bench-import: all
	GAZOUILLIS_BIN=$(BUILD)/gazouillis /usr/bin/python3 bench/import/run.py
$(BUILD)/bench_fit: bench/bench_fit.c $(BUILD)/libgzserver.a $(BUILD)/libgztext.a
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(PKG_LIBS) -lm

# The server against nginx with wrk (issue 3's "Speed"); see bench/RESULTS.md.
.PHONY: bench-server
bench-server: all
	BUILD=$(BUILD) BENCH_COMMAND="make bench-server" ./bench/server/run.sh

# The live streams under load (issue 4): 10,000 streams, delivery time, memory
# per stream, posting beside idle streams; see bench/RESULTS.md.
.PHONY: bench-mastodon
bench-mastodon: all
	BUILD=$(BUILD) ./bench/mastodon/run.sh

.PHONY: bench-live
bench-live: all $(BUILD)/streamload
	BUILD=$(BUILD) BENCH_COMMAND="make bench-live" ./bench/live/run.sh

# The soak (issue 8): ten minutes (SOAK_SECONDS) at half the measured capacity,
# reads, posts, comments and 1,000 live streams; see docs/RELIABILITY.md.
.PHONY: soak
soak: all $(BUILD)/streamload
	BUILD=$(BUILD) SHARED=$(abspath $(SHARED)) $(PYTHON) bench/soak/run.py

$(BUILD)/streamload: bench/live/streamload.c
	@mkdir -p $(BUILD)
	$(CC) -std=c11 -O2 -Wall -Wextra -D_GNU_SOURCE -o $@ bench/live/streamload.c

# Crash safety (issue 8): the SIGKILL test of make test with many more kills,
# with both --sync settings; see docs/RELIABILITY.md. CRASH_SEED=N replays a run.
CRASH_KILLS ?= 200
.PHONY: crash-campaign
crash-campaign: all $(BUILD)/asan/gazouillis
	GAZOUILLIS_CRASH_KILLS=$(CRASH_KILLS) $(if $(CRASH_SEED),GAZOUILLIS_CRASH_SEED=$(CRASH_SEED)) \
	  GAZOUILLIS_BIN=$(abspath $(BUILD)/gazouillis) \
	  GAZOUILLIS_ASAN_BIN=$(abspath $(BUILD)/asan/gazouillis) GAZOUILLIS_SHARED=$(abspath $(SHARED)) \
	  $(PYTHON) -m pytest -q -s tests/e2e/test_90_crash.py

# Starts the server on ./data (the first start prints the admin's password).
DATA ?= ./data
LISTEN ?= 127.0.0.1:8080
run: deps all
	$(BUILD)/gazouillis serve --listen $(LISTEN) --data $(DATA)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

format-check:
	clang-format --dry-run --Werror $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
