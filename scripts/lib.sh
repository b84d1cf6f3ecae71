# Shared by the harness scripts: run a long step with its output in a log,
# a progress line every 30 s, and the relevant log lines if it fails.
# usage: run_logged "what" LOGFILE command...
run_logged() {
	local what=$1 log=$2 start=$SECONDS pid rc
	shift 2
	mkdir -p "$(dirname "$log")"
	echo "$what (log: $log)"
	"$@" >"$log" 2>&1 &
	pid=$!
	while ! wait_for "$pid" 30; do
		echo "  ... $what: $((SECONDS - start)) s, $(wc -l <"$log") log lines, last: $(tail -n 1 "$log" | cut -c1-100)"
	done
	wait "$pid" && rc=0 || rc=$?
	if [ "$rc" != 0 ]; then
		echo "FAILED: $what (exit $rc). Relevant lines of $log:" >&2
		{ grep -nE '(error|warning):|Error [0-9]|undefined reference|No rule|\*\*\*' "$log" | head -n 40
		  echo "  --- last lines ---"; tail -n 15 "$log"; } | sed 's/^/  | /' >&2
		return "$rc"
	fi
	echo "  done: $what in $((SECONDS - start)) s"
}

# wait_for PID SECONDS: true once PID has exited, false after SECONDS
wait_for() {
	local i
	for ((i = 0; i < $2 * 2; i++)); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.5
	done
	! kill -0 "$1" 2>/dev/null
}
