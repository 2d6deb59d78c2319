# mdp: one binary, build/mdp. `make`, `make test`, `make check-asan`, `make bench`, `make install`.
# Everything is found by wildcard: a new file under src/ or tests/ needs no edit here.

BUILD     ?= build
PREFIX    ?= /usr/local
CC        ?= cc
TOP       := $(abspath .)
DUCKDB_DIR ?= $(TOP)/third_party/duckdb
DUCKDB_DIR := $(abspath $(DUCKDB_DIR))

WARN      := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
             -Wno-unused-parameter -Wformat=2 -Wno-format-nonliteral
CFLAGS    ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) $(SANFLAGS) -Isrc -I$(BUILD)/gen \
             -isystem $(DUCKDB_DIR) -MMD -MP -Itests
LIBS      := -L$(DUCKDB_DIR) -lduckdb -lcjson -lyaml -ledit -lstemmer -lmicrohttpd -lz -lpthread -lm
RPATH     := -Wl,-rpath,'$$ORIGIN/../lib/mdp' -Wl,-rpath,$(DUCKDB_DIR)

ifeq ($(SAN),1)
SANFLAGS  := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
endif

MAIN_SRC  := src/main.c
LIB_SRC   := $(filter-out $(MAIN_SRC),$(shell find src -name '*.c' | sort))
TEST_SRC  := $(shell find tests -name "*.c" | sort)
SHARE     := $(shell find share -type f ! -name '.*' 2>/dev/null | sort)

ECHARTS_JS := $(TOP)/third_party/echarts/echarts.min.js
LIB_OBJ   := $(LIB_SRC:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/gen/share.o $(BUILD)/obj/gen/echarts.o
MAIN_OBJ  := $(MAIN_SRC:%.c=$(BUILD)/obj/%.o)
TEST_OBJ  := $(TEST_SRC:%.c=$(BUILD)/obj/%.o)
DEPS_OK   := $(BUILD)/.bootstrapped

.PHONY: all test check check-asan bench install clean format fuzz
all: $(BUILD)/mdp

# Dependencies (Debian packages + pinned DuckDB): the bootstrap installs what is missing and
# returns at once when nothing is.
$(DEPS_OK): scripts/bootstrap
	./scripts/bootstrap
	@mkdir -p $(dir $@) && touch $@

$(BUILD)/mdp: $(MAIN_OBJ) $(LIB_OBJ)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIBS) $(RPATH)

$(BUILD)/obj/%.o: %.c | $(DEPS_OK)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# Files under share/ (the sample platform `mdp init` writes, data files) compiled into the binary.
$(BUILD)/gen/share.c: $(SHARE) scripts/embed
	@mkdir -p $(dir $@)
	./scripts/embed $(SHARE) > $@.tmp && mv $@.tmp $@

$(BUILD)/obj/gen/share.o: $(BUILD)/gen/share.c | $(DEPS_OK)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# ECharts (fetched by the bootstrap into third_party/) in the binary, so dashboards work offline.
$(BUILD)/gen/echarts.c: scripts/embed-asset | $(DEPS_OK)
	@mkdir -p $(dir $@)
	./scripts/embed-asset dash_echarts_js $(ECHARTS_JS) > $@.tmp && mv $@.tmp $@

$(BUILD)/obj/gen/echarts.o: $(BUILD)/gen/echarts.c $(ECHARTS_JS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/mdp-test: $(TEST_OBJ) $(LIB_OBJ)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIBS) -lcriterion $(RPATH)

# One Criterion runner for unit and end-to-end tests; e2e tests run $(BUILD)/mdp.
test: $(BUILD)/mdp $(BUILD)/mdp-test
	MDP_BIN=$(abspath $(BUILD)/mdp) MDP_SRC=$(TOP) $(BUILD)/mdp-test $(TEST_ARGS)
check: test

check-asan:
	$(MAKE) BUILD=build-asan SAN=1 CFLAGS="-O1 -g" test \
		ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
		LSAN_OPTIONS=suppressions=$(TOP)/tests/lsan.supp:print_suppressions=0 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

bench: $(BUILD)/mdp
	./bench/run $(abspath $(BUILD)/mdp)

# libFuzzer targets, one per parser (clang).
FUZZ_SRC  := $(wildcard fuzz/*.c)
fuzz: $(FUZZ_SRC:fuzz/%.c=build-fuzz/%)
build-fuzz/%: fuzz/%.c $(LIB_SRC) $(BUILD)/gen/share.c $(BUILD)/gen/echarts.c | $(DEPS_OK)
	@mkdir -p build-fuzz
	clang -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined -Isrc \
		-isystem $(DUCKDB_DIR) -o $@ $< $(LIB_SRC) $(BUILD)/gen/share.c \
		$(BUILD)/gen/echarts.c $(LIBS) $(RPATH)

install: $(BUILD)/mdp
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/mdp
	install -m 755 $(BUILD)/mdp $(DESTDIR)$(PREFIX)/bin/mdp
	install -m 644 $(DUCKDB_DIR)/libduckdb.so $(DESTDIR)$(PREFIX)/lib/mdp/libduckdb.so

format:
	clang-format -i $$(find src tests fuzz bench -name '*.[ch]' 2>/dev/null)

clean:
	rm -rf $(BUILD) build-asan build-fuzz

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
