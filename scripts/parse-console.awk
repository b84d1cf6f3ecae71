# Read a guest console log; print one result per line, "PASS|FAIL|SKIP name",
# for every kselftest (TAP) and KUnit (KTAP) case, then the gates on the
# log itself: no kernel splat, and the guest reached its end.
# usage: awk -f parse-console.awk console.log
function strip(s) { sub(/\r$/, "", s); return s }
function kernel_line(s) { return s ~ /^\[ *[0-9]+\.[0-9]+\] / }
BEGIN {
	splat_re = "WARNING:|BUG:|Oops|kernel BUG at|general protection fault|" \
		"possible circular locking|possible recursive locking|inconsistent lock state|" \
		"DEBUG_LOCKS_WARN_ON|suspicious RCU usage|sleeping function called from invalid context|" \
		"unreferenced object|blocked for more than|soft lockup|KASAN:|UBSAN:|Kernel panic|" \
		"Unable to change power state|lock held when returning to user space|" \
		"Unbalanced pm_runtime|Runtime PM usage count underflow|" \
		"BUG [^ :]+ \\(|Object already free|Redzone overwritten|Poison overwritten"
	prog = "selftest"
}
{
	line = strip($0)
	if (match(line, /^init: running \/tests\//)) {
		prog = substr(line, RLENGTH + 1)
		next
	}
	if (line ~ /init: vfio-lowpower guest done/)
		done = 1
	if (line ~ splat_re) {
		nsplat++
		# the first report with the lines that name the culprit
		if (nsplat == 1)
			ctx = 10
	}
	if (ctx > 0) {
		ctx--
		splat = splat "\n    " line
	}
	if (kernel_line(line)) {
		body = line
		sub(/^\[ *[0-9]+\.[0-9]+\] /, "", body)
		if (match(body, /^    # Subtest: /))
			suite = substr(body, RLENGTH + 1)
		if (body ~ /^    (not )?ok [0-9]+ - /) {
			st = body ~ /^    not ok/ ? "FAIL" : (body ~ /# SKIP/ ? "SKIP" : "PASS")
			name = body
			sub(/^    (not )?ok [0-9]+ - /, "", name)
			sub(/ # SKIP.*/, "", name)
			print st, "kunit:" suite "." name
		}
		next
	}
	# the kselftest harness of 5.10 names a skipped test only on its RUN line
	if (match(line, /^#  RUN  +/)) {
		run = substr(line, RLENGTH + 1)
		sub(/ \.\.\.$/, "", run)
		why = ""
	}
	# the harness's "file:line:test:Expected ..." and TH_LOG lines
	if (line ~ /^# [^ ]+\.c:[0-9]+:/)
		why = why "\n    " line
	if (line ~ /^(not )?ok [0-9]+ /) {
		st = line ~ /^not ok/ ? "FAIL" : (line ~ /# SKIP/ ? "SKIP" : "PASS")
		name = line
		sub(/^(not )?ok [0-9]+ (- )?/, "", name)
		reason = ""
		if (match(name, /# SKIP */))
			reason = substr(name, RSTART + RLENGTH)
		sub(/ *# .*/, "", name)
		if (name == "")
			name = run
		print st, prog ":" name (reason != "" ? "  (" reason ")" : "") (st == "FAIL" ? why : "")
	}
}
END {
	if (nsplat)
		print "FAIL console:no-kernel-splat  (" nsplat " matching lines; the first report:)" splat
	else
		print "PASS console:no-kernel-splat"
	print (done ? "PASS" : "FAIL"), "console:guest-ran-to-the-end"
}
