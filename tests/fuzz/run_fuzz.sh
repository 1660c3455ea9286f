#!/bin/sh
# run_fuzz.sh - build fuzz_assist with clang + libFuzzer + ASan + UBSan
# and run it for a fixed time from the checked-in seed corpus; fail on
# any crash, sanitizer report, timeout or leak.
#
# Meson builds everything else with the project's C compiler (gcc); a
# second executable compiled by clang with its own runtime does not fit
# in one meson project without a cross/native file, so this script
# compiles the harness and the assist sources (the same assist_src list
# hv.elf uses, passed by tests/fuzz/meson.build) itself.
#
# usage: run_fuzz.sh CLANG WORKDIR SEED_CORPUS SECONDS SRCROOT SOURCE...
# If the libFuzzer runtime is missing, falls back to fuzz_standalone.c
# (ASan + UBSan, deterministic random mutation, no coverage feedback).
set -eu

clang=$1 work=$2 seeds=$3 secs=$4 root=$5
shift 5

mkdir -p "$work/corpus"
cflags="-std=gnu11 -g -O1 -Wall -Wextra -Werror -DVMM_HOSTED
 -I$root/include -I$root/vmm -I$root/vmm/assist -fno-omit-frame-pointer
 -fno-sanitize-recover=all"
harness=
others=
for f in "$@"; do
	case "$f" in
	*fuzz_assist.c) harness=$f ;;
	*fuzz_standalone.c) standalone=$f ;;
	*) others="$others $f" ;;
	esac
done

export ASAN_OPTIONS=abort_on_error=1:detect_leaks=1:allocator_may_return_null=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

# shellcheck disable=SC2086
if "$clang" $cflags -fsanitize=fuzzer,address,undefined \
	-o "$work/fuzz_assist" "$harness" $others 2>"$work/build.log"; then
	echo "run_fuzz: libFuzzer build, ${secs}s from $seeds"
	# The first corpus directory receives new inputs (in the build
	# tree); the checked-in seeds are only read.
	exec "$work/fuzz_assist" -max_total_time="$secs" -error_exitcode=1 \
		-timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$work/" "$work/corpus" "$seeds"
fi

echo "run_fuzz: libFuzzer runtime unavailable (see $work/build.log);" \
	"falling back to fuzz_standalone with ASan+UBSan"
# shellcheck disable=SC2086
"$clang" $cflags -fsanitize=address,undefined -o "$work/fuzz_standalone" \
	"$harness" "$standalone" $others
exec "$work/fuzz_standalone" "$secs" "$seeds"
