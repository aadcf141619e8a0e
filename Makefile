# The C concurrency lab. `make help` lists what you can do; README.md explains the lab.
#
# Everything is built out of tree, in $(BUILD) (build/ by default):
#   common/*.c                 -> $(BUILD)/libcommon.a       the shared library
#   NN-chapter/prog.c          -> $(BUILD)/NN-chapter/prog   one program per .c file...
#   NN-chapter/mod.c + mod.h   -> linked into that chapter's programs (a .c with a .h is a module)
#   NN-chapter/exercises/x.c   -> $(BUILD)/NN-chapter/exercises/x             the starter
#   NN-chapter/exercises/solutions/x.c -> .../exercises/solutions/x          the reference
#   NN-chapter/exercises/right/*.c, wrong/*.c -> .../exercises/right/, wrong/  a correct variant
#                              and plausible wrong solutions: the tests run the checker on them
#   NN-chapter/exercises/harness.c + .h -> linked into the starter and the reference
# Exercises are built apart from `all` (by `make exercises`, `make test` and `make
# exercise-N`): a reader's half-done exercise must not stop the chapters from building.
#   tests/unit/x.c             -> $(BUILD)/tests/unit/x.t    C tests, run by prove
#   bench/x.c                  -> $(BUILD)/bench/x           bench-only programs

BUILD  ?= build
SAN    ?=
CORO   ?=
PROVE_FLAGS ?=

# Quiet by default ("CC file"); `make V=1` shows every command in full.
ifeq ($(V),1)
  Q :=
  say = @:
else
  Q := @
  say = @printf '  %-6s %s\n'
endif

CPPFLAGS += -D_GNU_SOURCE -Icommon -MMD -MP
WARNINGS := -std=c17 -Wall -Wextra -Werror -pedantic -Wshadow -Wstrict-prototypes \
            -Wmissing-prototypes -Wno-missing-field-initializers
ifeq ($(SAN),asan)
  OPTIMIZE := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
              -fno-sanitize-recover=undefined
else ifeq ($(SAN),tsan)
  OPTIMIZE := -O1 -g -fno-omit-frame-pointer -fsanitize=thread
else ifeq ($(SAN),)
  OPTIMIZE := -O2 -g
else
  $(error SAN must be empty, asan or tsan (got '$(SAN)'))
endif
# Coroutines switch stacks with a few lines of assembly on x86-64 and aarch64;
# CORO=ucontext builds them on the portable swapcontext(3) instead.
ifeq ($(CORO),ucontext)
  CPPFLAGS += -DLAB_CORO_UCONTEXT
else ifneq ($(CORO),)
  $(error CORO must be empty or ucontext (got '$(CORO)'))
endif
# DWARF 4 debug info: Debian 12's valgrind cannot read clang 14's default (DWARF 5).
CFLAGS  += $(WARNINGS) $(OPTIMIZE) -gdwarf-4
LDFLAGS += $(filter -fsanitize=%,$(OPTIMIZE))
LDLIBS  += -lpthread -lm

CHAPTER_DIRS := $(sort $(patsubst %/,%,$(dir $(wildcard [0-9][0-9]-*/PROGRAMS))))

# Libraries a chapter needs: its LIBS file, one "pkg-config-module  Debian-package" a line.
# Only that chapter (and bench/NN-*.c, for chapter NN) is compiled and linked with them.
# When one is missing, make says which package to install and builds the other chapters;
# the chapter's tests skip with the same reason (tests/lib.sh: require_libs).
libs_of = $(if $(wildcard $(1)/LIBS),$(shell sed -e 's/\#.*//' -e '/^[[:space:]]*$$/d' \
          -e 's/^[[:space:]]*\([^[:space:]]*\)[[:space:]]*\([^[:space:]]*\).*/\1:\2/' $(1)/LIBS))
pkg_missing = $(shell pkg-config --exists $(1) 2>/dev/null || echo missing)
define chapter_libs
$(1)_LIBS := $(call libs_of,$(1))
$(1)_PKG_MODULES := $$(foreach l,$$($(1)_LIBS),$$(firstword $$(subst :, ,$$(l))))
$(1)_PKG_MISSING := $$(strip $$(foreach l,$$($(1)_LIBS),$$(if $$(call pkg_missing,$$(firstword $$(subst :, ,$$(l)))),$$(word 2,$$(subst :, ,$$(l))))))
ifneq ($$($(1)_PKG_MISSING),)
  $$(warning $(1) is not built: it needs $$($(1)_PKG_MODULES) (apt-get install pkg-config $$($(1)_PKG_MISSING)))
else ifneq ($$($(1)_PKG_MODULES),)
  $(1)_PKG_CFLAGS := $$(shell pkg-config --cflags $$($(1)_PKG_MODULES))
  $(1)_PKG_LIBS := $$(shell pkg-config --libs $$($(1)_PKG_MODULES))
endif
endef
$(foreach c,$(CHAPTER_DIRS),$(eval $(call chapter_libs,$(c))))
BUILDABLE_CHAPTERS := $(foreach c,$(CHAPTER_DIRS),$(if $($(c)_PKG_MISSING),,$(c)))
LIBCOMMON := $(BUILD)/libcommon.a
COMMON_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard common/*.c))
UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/tests/unit/%.t,$(wildcard tests/unit/*.c))
BENCH_PROGRAMS := $(patsubst bench/%.c,$(BUILD)/bench/%,$(wildcard bench/*.c))

# Rebuild everything when the compiler or the flags change (make CC=clang, SAN=...).
FLAGS_STAMP := $(BUILD)/.flags
FLAGS_NOW := $(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) $(LDLIBS)
$(shell mkdir -p $(BUILD) && echo '$(FLAGS_NOW)' | cmp -s - $(FLAGS_STAMP) || echo '$(FLAGS_NOW)' > $(FLAGS_STAMP))

.DEFAULT_GOAL := all
.PHONY: all exercises help test sanitize valgrind helgrind bench mutants clean compile_commands.json unit-tests \
        test-ucontext test-aarch64
.DELETE_ON_ERROR:

$(BUILD)/common/%.o: common/%.c $(FLAGS_STAMP)
	@mkdir -p $(@D)
	$(say) CC $@
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(LIBCOMMON): $(COMMON_OBJS)
	$(say) AR $@
	$(Q)rm -f $@ && $(AR) rcs $@ $^

# modules_in DIR: the objects of DIR's modules (each .c with a .h beside it).
modules_in = $(patsubst %.c,$(BUILD)/%.o,$(filter $(wildcard $(1)/*.c),$(patsubst %.h,%.c,$(wildcard $(1)/*.h))))
# programs_in DIR: DIR's other .c files, each a program.
programs_in = $(patsubst %.c,$(BUILD)/%,$(filter-out $(patsubst $(BUILD)/%.o,%.c,$(call modules_in,$(1))),$(wildcard $(1)/*.c)))

# One chapter's rules; $(1) is its directory, e.g. 01-gil-and-threads. An exercise's
# starter and its solution are both linked with the modules of exercises/ (the code
# around the part the reader writes) as well as the chapter's. exercise-N (N without its
# leading zero) builds and checks that chapter's exercise alone.
define chapter_rules
$(1)_NUMBER := $(patsubst 0%,%,$(firstword $(subst -, ,$(1))))
$(1)_MODULE_OBJS := $(call modules_in,$(1))
$(1)_PROGRAMS := $(call programs_in,$(1))
$(1)_EXERCISE_OBJS := $(call modules_in,$(1)/exercises)
$(1)_EXERCISES := $(foreach d,exercises exercises/solutions exercises/wrong exercises/right,$(call programs_in,$(1)/$(d)))

$(BUILD)/$(1)/%.o: $(1)/%.c $(FLAGS_STAMP)
	@mkdir -p $$(@D)
	$$(say) CC $$@
	$$(Q)$$(CC) $$(CPPFLAGS) -I$(1) -I$(1)/exercises $$($(1)_PKG_CFLAGS) $$(CFLAGS) -c -o $$@ $$<

$$($(1)_PROGRAMS): $(BUILD)/%: %.c $$($(1)_MODULE_OBJS) $(LIBCOMMON) $(FLAGS_STAMP)
	@mkdir -p $$(@D)
	$$(say) CCLD $$@
	$$(Q)$$(CC) $$(CPPFLAGS) -I$(1) $$($(1)_PKG_CFLAGS) $$(CFLAGS) $$(LDFLAGS) -o $$@ $$< $$($(1)_MODULE_OBJS) $(LIBCOMMON) $$($(1)_PKG_LIBS) $$(LDLIBS)

$$($(1)_EXERCISES): $(BUILD)/%: %.c $$($(1)_EXERCISE_OBJS) $$($(1)_MODULE_OBJS) $(LIBCOMMON) $(FLAGS_STAMP)
	@mkdir -p $$(@D)
	$$(say) CCLD $$@
	$$(Q)$$(CC) $$(CPPFLAGS) -I$(1) -I$(1)/exercises $$($(1)_PKG_CFLAGS) $$(CFLAGS) $$(LDFLAGS) -o $$@ $$< $$($(1)_EXERCISE_OBJS) $$($(1)_MODULE_OBJS) $(LIBCOMMON) $$($(1)_PKG_LIBS) $$(LDLIBS)

.PHONY: exercise-$$($(1)_NUMBER)
exercise-$$($(1)_NUMBER): $$($(1)_EXERCISES)
	@scripts/check-exercise.sh $(BUILD) $$($(1)_NUMBER)

ALL_PROGRAMS += $$($(1)_PROGRAMS)
ALL_EXERCISES += $$($(1)_EXERCISES)
endef
$(foreach c,$(BUILDABLE_CHAPTERS),$(eval $(call chapter_rules,$(c))))

$(BUILD)/tests/tap.o: tests/tap.c $(FLAGS_STAMP)
	@mkdir -p $(@D)
	$(say) CC $@
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/tests/unit/%.t: tests/unit/%.c $(BUILD)/tests/tap.o $(LIBCOMMON) $(FLAGS_STAMP)
	@mkdir -p $(@D)
	$(say) CCLD $@
	$(Q)$(CC) $(CPPFLAGS) -Itests $(CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/tests/tap.o $(LIBCOMMON) $(LDLIBS)

# bench/NN-x.c is chapter NN's: it gets that chapter's libraries, and is left out with it.
bench_chapter = $(filter $(firstword $(subst -, ,$(notdir $(1))))-%,$(CHAPTER_DIRS))
BENCH_PROGRAMS := $(foreach b,$(BENCH_PROGRAMS),$(if $(foreach c,$(call bench_chapter,$(b)),$($(c)_PKG_MISSING)),,$(b)))

$(BUILD)/bench/%: bench/%.c $(LIBCOMMON) $(FLAGS_STAMP)
	@mkdir -p $(@D)
	$(say) CCLD $@
	$(Q)$(CC) $(CPPFLAGS) $(foreach c,$(call bench_chapter,$@),$($(c)_PKG_CFLAGS)) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIBCOMMON) $(foreach c,$(call bench_chapter,$@),$($(c)_PKG_LIBS)) $(LDLIBS)

all: $(LIBCOMMON) $(ALL_PROGRAMS) $(UNIT_TESTS) $(BENCH_PROGRAMS)

exercises: $(ALL_EXERCISES)

help:
	@echo 'make chapter-N     build and run chapter N in reading order (e.g. make chapter-1)'
	@echo 'make exercise-N    build and check your solution of chapter N'"'"'s exercise'
	@echo 'make test          build everything, exercises too, and run the test suite (prove)'
	@echo 'make sanitize      the test suite under ASan+UBSan, then under TSan, then valgrind and helgrind'
	@echo 'make helgrind      the helgrind tests (tests/*-helgrind.t) on the plain build'
	@echo 'make valgrind      every program'"'"'s quick run and every unit test under valgrind memcheck'
	@echo 'make test-ucontext the unit tests with coroutines on swapcontext(3) instead of assembly'
	@echo 'make test-aarch64  the unit tests built for aarch64 and run under qemu-user'
	@echo 'make bench         measure the articles'"'"' claims here (CHAPTERS="1 3" for some;'
	@echo '                   CHAPTERS=0: the runtime'"'"'s own operations beside asyncio'"'"'s)'
	@echo 'make mutants       make each mistake of tests/mutants/ and see a test fail (minutes; not in make test; MUTANT=name for some)'
	@echo 'make all           build only (the chapters, tests and bench; not the exercises)'
	@echo 'make exercises     build every exercise'"'"'s starter and reference solution'
	@echo 'make clean         remove every build directory'
	@echo 'make compile_commands.json   for editors and clangd (needs bear)'
	@echo 'Variables: CC=clang, BUILD=dir, LAB_REQUIRE_ALL=1 (optional dependencies become required)'

chapter-%: all
	@scripts/run-chapter.sh $(BUILD) $*

# A chapter without an exercise, or N written as 01: the script says what there is.
exercise-%: exercises
	@scripts/check-exercise.sh $(BUILD) $*

test: all exercises
	LAB_BUILD=$(BUILD) LAB_SANITIZER=$(SAN) prove $(PROVE_FLAGS) $(BUILD)/tests/unit tests

sanitize:
	$(MAKE) test BUILD=build-asan SAN=asan
	$(MAKE) test BUILD=build-tsan SAN=tsan
	$(MAKE) valgrind
	$(MAKE) helgrind

# valgrind's thread checker on the plain build: the *-helgrind.t tests, which the
# sanitizer builds skip (they bring their own checker) and `make valgrind` (memcheck) does
# not run.
helgrind: all
	LAB_BUILD=$(BUILD) prove $(PROVE_FLAGS) tests/*-helgrind.t

valgrind: all
	scripts/valgrind-all.sh $(BUILD)

unit-tests: $(UNIT_TESTS)

test-ucontext:
	$(MAKE) unit-tests BUILD=build-ucontext CORO=ucontext
	LAB_BUILD=build-ucontext prove $(PROVE_FLAGS) build-ucontext/tests/unit

# The aarch64 context switch, cross-compiled and run on this machine under qemu-user.
AARCH64_CC ?= aarch64-linux-gnu-gcc
AARCH64_SYSROOT ?= /usr/aarch64-linux-gnu
test-aarch64:
	$(MAKE) unit-tests BUILD=build-aarch64 CC=$(AARCH64_CC)
	LAB_BUILD=build-aarch64 prove $(PROVE_FLAGS) --exec 'qemu-aarch64 -L $(AARCH64_SYSROOT)' \
	    build-aarch64/tests/unit

bench: all
	bench/run.sh $(BUILD) $(CHAPTERS)

# Not part of `make test`: it rebuilds and reruns tests once per mutant (see the script).
mutants:
	scripts/mutants.sh $(MUTANT)

clean:
	rm -rf build build-* compile_commands.json

compile_commands.json:
	@command -v bear >/dev/null || { echo 'bear is not installed (apt-get install bear)'; exit 1; }
	bear --output $@ -- $(MAKE) -B all exercises

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
