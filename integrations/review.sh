#!/usr/bin/env bash
# The pull-request side of git-agent-log, for any CI: fetch the records, run the verify gate on the
# pull request's commits, and keep one review comment (and the job summary) up to date with the
# runs' review packets. The exit status is the gate's: 0 passed, 1 failed, 2 bad input.
# Everything it decides is decided by the CLI (`verify --format github`, `pr A..B`); this script only
# moves text between the CLI and the forge. Used by action.yml (GitHub) and
# integrations/gitlab/agent-log.gitlab-ci.yml (GitLab).
#
# Environment:
#   AGENT_LOG_MODE     review (default) | adopt (after a squash merge: re-attach records, push them)
#   AGENT_LOG_FORGE    github | gitlab (default: github when GITHUB_ACTIONS=true, else gitlab when
#                      GITLAB_CI=true, else none: no comment, output only)
#   AGENT_LOG_BASE     base commit of the pull request     AGENT_LOG_HEAD  its head (default HEAD)
#   AGENT_LOG_REMOTE   remote holding the records (default origin)
#   AGENT_LOG_COMMENT  true (default) | false: create or update the review comment
#   AGENT_LOG_BIN      how to run the CLI (default: git-agent-log)
#   GitHub: GITHUB_REPOSITORY, AGENT_LOG_PR (the pull request number), GH_TOKEN (for `gh api`),
#           GITHUB_STEP_SUMMARY.
#   GitLab: CI_API_V4_URL, CI_PROJECT_ID, CI_MERGE_REQUEST_IID, AGENT_LOG_GITLAB_TOKEN.
set -uo pipefail

mode=${AGENT_LOG_MODE:-review}
remote=${AGENT_LOG_REMOTE:-origin}
bin=${AGENT_LOG_BIN:-git-agent-log}
forge=${AGENT_LOG_FORGE:-}
if [ -z "$forge" ]; then
  if [ "${GITHUB_ACTIONS:-}" = true ]; then forge=github
  elif [ "${GITLAB_CI:-}" = true ]; then forge=gitlab
  else forge=none; fi
fi
marker='<!-- git-agent-log:review -->'
work=$(mktemp -d) || exit 2
trap 'rm -rf "$work"' EXIT

say() { printf 'agent-log: %s\n' "$*" >&2; }
cli() { $bin "$@"; }

fetch_records() {
  # A remote with no records yet is not an error: there is simply nothing to verify.
  if ! git fetch --quiet "$remote" "+refs/notes/agent-log:refs/notes/agent-log" 2>"$work/fetch.err"; then
    say "no records fetched from $remote ($(head -n 1 "$work/fetch.err"))"
  fi
}

if [ "$mode" = adopt ]; then
  fetch_records
  head=${AGENT_LOG_HEAD:-HEAD}
  cli adopt "$head" >"$work/adopt.out" 2>"$work/adopt.err"
  code=$?
  cat "$work/adopt.out"
  if [ $code -eq 2 ] && grep -q 'no Agent-Log trailer' "$work/adopt.err"; then
    say "no run named in $head's message: nothing to adopt"
    exit 0
  fi
  if [ $code -ne 0 ]; then cat "$work/adopt.err" >&2; exit $code; fi
  cli sync "$remote" || { say "records adopted here but not pushed to $remote"; exit 1; }
  exit 0
fi

if [ "$mode" != review ]; then say "unknown AGENT_LOG_MODE '$mode' (review or adopt)"; exit 2; fi
base=${AGENT_LOG_BASE:-}
head=${AGENT_LOG_HEAD:-HEAD}
if [ -z "$base" ]; then say "AGENT_LOG_BASE is not set (the pull request's base commit)"; exit 2; fi
range="$base..$head"
fetch_records

format=text
[ "$forge" = github ] && format=github
cli verify "$range" --format "$format" >"$work/verify.out" 2>"$work/verify.err"
gate=$?
cat "$work/verify.out"
cat "$work/verify.err" >&2
if [ $gate -ne 0 ] && [ $gate -ne 1 ]; then exit $gate; fi

cli pr "$range" >"$work/pr.md" 2>"$work/pr.err"
pr_code=$?
if [ $pr_code -eq 1 ] && grep -q 'no agent runs in' "$work/pr.err"; then
  runs=0
elif [ $pr_code -ne 0 ]; then
  cat "$work/pr.err" >&2
  exit $pr_code
else
  runs=1
fi

# The comment: verdict first, then the review packets. The verify lines keep their plain form
# (workflow commands are for the log, not for people).
{
  printf '%s\n' "$marker"
  if [ $runs -eq 0 ]; then
    printf '### Agent runs: none recorded in this pull request\n'
  elif [ $gate -eq 0 ]; then
    printf '### Agent runs: verify passed\n'
  else
    printf '### Agent runs: verify FAILED\n'
  fi
  printf '\n```text\n'
  cli verify "$range" --format text 2>/dev/null | sed 's/```/ˋˋˋ/g'
  printf '```\n\n'
  [ $runs -eq 1 ] && cat "$work/pr.md"
} >"$work/comment.md"

if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then cat "$work/comment.md" >>"$GITHUB_STEP_SUMMARY"; fi

comment_github() {
  local repo=${GITHUB_REPOSITORY:?GITHUB_REPOSITORY is not set} pr=${AGENT_LOG_PR:?AGENT_LOG_PR is not set}
  local id
  id=$(gh api --paginate "repos/$repo/issues/$pr/comments" \
    --jq ".[] | select(.body | contains(\"$marker\")) | .id" 2>"$work/gh.err" | head -n 1) || return 1
  if [ -n "$id" ]; then
    gh api -X PATCH "repos/$repo/issues/comments/$id" -F "body=@$work/comment.md" >/dev/null
  elif [ $runs -eq 1 ]; then
    gh api -X POST "repos/$repo/issues/$pr/comments" -F "body=@$work/comment.md" >/dev/null
  fi
}

comment_gitlab() {
  local api=${CI_API_V4_URL:?CI_API_V4_URL is not set} project=${CI_PROJECT_ID:?CI_PROJECT_ID is not set}
  local mr=${CI_MERGE_REQUEST_IID:?CI_MERGE_REQUEST_IID is not set}
  local token=${AGENT_LOG_GITLAB_TOKEN:?AGENT_LOG_GITLAB_TOKEN is not set}
  local notes="$api/projects/$project/merge_requests/$mr/notes"
  local id
  curl -sSf -H "PRIVATE-TOKEN: $token" "$notes?per_page=100" >"$work/notes.json" || return 1
  id=$(MARKER="$marker" node -e '
    const notes = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const mine = notes.find((n) => typeof n.body === "string" && n.body.includes(process.env.MARKER));
    if (mine) process.stdout.write(String(mine.id));' "$work/notes.json") || return 1
  if [ -n "$id" ]; then
    curl -sSf -X PUT -H "PRIVATE-TOKEN: $token" --data-urlencode "body@$work/comment.md" "$notes/$id" >/dev/null
  elif [ $runs -eq 1 ]; then
    curl -sSf -X POST -H "PRIVATE-TOKEN: $token" --data-urlencode "body@$work/comment.md" "$notes" >/dev/null
  fi
}

if [ "${AGENT_LOG_COMMENT:-true}" = true ]; then
  case $forge in
    github) comment_github || say "could not update the review comment (the gate's verdict stands): $(head -n 1 "$work/gh.err" 2>/dev/null)" ;;
    gitlab) comment_gitlab || say "could not update the merge request note (the gate's verdict stands)" ;;
    *) cat "$work/comment.md" ;;
  esac
fi
exit $gate
