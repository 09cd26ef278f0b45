# bash completion for threadsctl(1).
#
# Commands and their options come from threadsctl's own --help, so a new
# command completes without touching this file.  Operands named ACCOUNT
# complete to the accounts the daemon knows (threadsctl --json accounts),
# ID to the ids of queued posts (threadsctl --json queue; for cancel only
# those it can cancel), ZONE to the zone names in $TZDIR; both ask the
# same socket the command line names with -s, and stay silent when the
# daemon cannot be reached.

# _threadsctl_json_values FIELD ARGS...: the string values of FIELD in the
# pretty-printed JSON that "threadsctl --json ARGS..." prints.
_threadsctl_json_values()
{
	local field=$1
	shift
	"${_threadsctl_cmd[@]}" --json "$@" 2>/dev/null |
	    sed -n 's/^ *"'"$field"'": *"\([^"]*\)",\{0,1\} *$/\1/p'
}

# _threadsctl_cancellable: the ids of the posts cancel takes (queued,
# not yet being published), from "threadsctl --json queue".
_threadsctl_cancellable()
{
	"${_threadsctl_cmd[@]}" --json queue --limit 0 2>/dev/null | awk '
	    /^ *"id": *"/ { id = $0; sub(/^ *"id": *"/, "", id);
		sub(/".*/, "", id) }
	    /^ *"state": *"(scheduled|staging|staged|ready)"/ { print id }'
}

# _threadsctl_zones: IANA zone names, from the zoneinfo files.
_threadsctl_zones()
{
	local dir=${TZDIR:-/usr/share/zoneinfo}
	[[ -d $dir ]] || return
	(cd "$dir" && find . -type f -name '[A-Z]*' ! -name '*.tab' \
	    ! -path './posix/*' ! -path './right/*' 2>/dev/null | sed 's|^\./||')
}

_threadsctl()
{
	local cur prev words cword
	_init_completion || return

	local i verb= verb_at=0
	# threadsctl with the global options the user typed (-s SOCKET).
	_threadsctl_cmd=("${words[0]}")
	for ((i = 1; i < cword; i++)); do
		case ${words[i]} in
		-s | --socket)
			_threadsctl_cmd+=(-s "${words[i + 1]}")
			((i++))
			;;
		--socket=*)
			_threadsctl_cmd+=("${words[i]}")
			;;
		-*) ;;
		*)
			verb=${words[i]}
			verb_at=$i
			break
			;;
		esac
	done

	if [[ -z $verb ]]; then
		case $prev in
		-s | --socket)
			_filedir
			return
			;;
		esac
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W '-s --socket -j --json -h --help
			    --version' -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$("${words[0]}" --help 2>/dev/null |
			    sed -n '/^commands:/,$s/^  \([a-z][a-z-]*\) .*/\1/p')" \
			    -- "$cur"))
		fi
		return
	fi

	# "usage: threadsctl VERB OPERANDS [--opt ARG]...": what VERB takes.
	local usage
	usage=$("${words[0]}" "$verb" --help 2>/dev/null | sed -n 's/^usage: //p')

	# The argument of an option: the word after it in the usage line.
	if [[ $prev == --* && $usage == *"$prev "* ]]; then
		local arg=${usage#*"$prev "}
		arg=${arg%%[] |]*}
		case $arg in
		ACCOUNT)
			COMPREPLY=($(compgen -W "$(_threadsctl_json_values \
			    username accounts)" -- "$cur"))
			;;
		ID)
			COMPREPLY=($(compgen -W "$(_threadsctl_json_values id \
			    queue)" -- "$cur"))
			;;
		ZONE)
			COMPREPLY=($(compgen -W "$(_threadsctl_zones)" -- "$cur"))
			;;
		S | STATE)
			COMPREPLY=($(compgen -W 'scheduled staging staged ready
			    publishing published failed cancelled' -- "$cur"))
			;;
		F | FILE)
			_filedir
			;;
		esac
		[[ $arg == [A-Z]* ]] && return
	fi

	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "--help $(grep -o -- '--[a-z][a-z-]*' \
		    <<<"$usage")" -- "$cur"))
		return
	fi

	# Operands: count those typed so far, skipping options and their
	# arguments, and complete the next one the usage line names.
	local operands=() w n=0
	read -r -a operands <<<"$(sed -e 's/\[--[^]]*\]//g' \
	    -e 's/--[a-z-]* [A-Z]*//g' -e 's/[][|.]/ /g' <<<"${usage#threadsctl "$verb"}")"
	for ((i = verb_at + 1; i < cword; i++)); do
		case ${words[i]} in
		--*=*) ;;
		--*)
			[[ $usage == *"${words[i]} "[A-Z]* ]] && ((i++))
			;;
		-*) ;;
		*) ((n++)) ;;
		esac
	done
	case ${operands[n]:-} in
	ACCOUNT)
		COMPREPLY=($(compgen -W "$(_threadsctl_json_values username \
		    accounts)" -- "$cur"))
		;;
	ID)
		if [[ $verb == cancel ]]; then
			COMPREPLY=($(compgen -W "$(_threadsctl_cancellable)" \
			    -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$(_threadsctl_json_values id \
			    queue)" -- "$cur"))
		fi
		;;
	esac
} &&
	complete -F _threadsctl threadsctl
