# Read a guest console log; print one result per line, "PASS|FAIL|SKIP name",
# for every kselftest (TAP) and KUnit (KTAP) case, then the gates on the
# log itself: no kernel splat, and the guest reached its end.  A test
# program (guest/init's "init: running /tests/P" ... "init: /tests/P exit
# N") that reported fewer results than its plan ("1..N"), exited non-zero
# with no failing result, or never ended, gets a FAIL line of its own
# ("P:all-results-reported", "P:exit-status", "P:ran-to-its-end"; more
# results than its plan: "P:results-match-plan"): a
# program that stops halfway is a failure, never fewer passes.  A KUnit
# suite likewise ("kunit:S:all-results-reported", "kunit:S:ran-to-its-end"),
# and a kselftest's "Bail out!" line is quoted in its FAIL.
# Tested by scripts/test-parse-console.sh.
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
# the end of the program that ran: its gates (status "" if it never ended)
function program_end(status) {
	if (status == "")
		print "FAIL", prog ":ran-to-its-end  (no \"init: /tests/" prog " exit\" line: " \
			nres " results" (plan >= 0 ? " of " plan : "") ")"
	else if (plan >= 0 && nres < plan)
		print "FAIL", prog ":all-results-reported  (" nres " of " plan " results, exit " status \
			(bail != "" ? ", \"" bail "\"" : "") ")"
	else if (plan >= 0 && nres > plan)
		print "FAIL", prog ":results-match-plan  (" nres " results, the plan says " plan ")"
	else if (status + 0 != 0 && nfail == 0)
		print "FAIL", prog ":exit-status  (exit " status ", no result failed)"
	inprog = 0
}
# the end of a KUnit suite: its own result line ("ok N - suite") came, or
# (gate given) the log or another suite started before it did
function suite_end(gate) {
	if (gate != "")
		print "FAIL", "kunit:" suite ":" gate "  (no result line for the suite: " kres \
			" results" (kplan >= 0 ? " of " kplan : "") ")"
	else if (kplan >= 0 && kres < kplan)
		print "FAIL", "kunit:" suite ":all-results-reported  (" kres " of " kplan " results)"
	insuite = 0
}
{
	line = strip($0)
	if (match(line, /^init: running \/tests\//)) {
		if (inprog)
			program_end("")
		prog = substr(line, RLENGTH + 1)
		inprog = 1; plan = -1; nres = 0; nfail = 0; bail = ""
		next
	}
	if (inprog && line ~ /^init: \/tests\/[^ ]+ exit [0-9]+$/) {
		status = line
		sub(/.* exit /, "", status)
		program_end(status)
		next
	}
	if (inprog && plan < 0 && line ~ /^1\.\.[0-9]+/) {
		plan = line
		sub(/^1\.\./, "", plan)
		sub(/[^0-9].*/, "", plan)
		plan += 0
	}
	if (inprog && bail == "" && match(line, /^Bail out! */))
		bail = substr(line, RSTART)
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
		if (match(body, /^    # Subtest: /)) {
			if (insuite)
				suite_end("ran-to-its-end")
			suite = substr(body, RLENGTH + 1)
			insuite = 1; kplan = -1; kres = 0
		}
		if (insuite && kplan < 0 && body ~ /^    1\.\.[0-9]+/) {
			kplan = body
			sub(/^    1\.\./, "", kplan)
			kplan += 0
		}
		if (insuite && body ~ /^(not )?ok [0-9]+ /)
			suite_end("")
		if (body ~ /^    (not )?ok [0-9]+ /) {
			kres++
			st = body ~ /^    not ok/ ? "FAIL" : (body ~ /# SKIP/ ? "SKIP" : "PASS")
			name = body
			sub(/^    (not )?ok [0-9]+ (- )?/, "", name)
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
		nres++
		nfail += st == "FAIL"
	}
}
END {
	if (insuite)
		suite_end("ran-to-its-end")
	if (inprog)
		program_end("")
	if (nsplat)
		print "FAIL console:no-kernel-splat  (" nsplat " matching lines; the first report:)" splat
	else
		print "PASS console:no-kernel-splat"
	print (done ? "PASS" : "FAIL"), "console:guest-ran-to-the-end"
}
