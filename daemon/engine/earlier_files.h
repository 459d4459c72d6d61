#pragma once
// The files a conversation's earlier calls wrote (Write, Edit, replace_in_file, apply_patch, a shell
// here-document …), for the code analyser to read a file call together with them: a helper written in
// one call that posts what it is given, and the environment handed to it in the next, are one program.
#include <vector>

#include "core/facts.h"
#include "core/tool_call.h"
#include "engine/earlier_calls.h"
#include "engine/profiles.h"

namespace toolwall::engine {

inline bool writes_files(ToolKind kind) {
  return kind == ToolKind::file_write || kind == ToolKind::file_edit || kind == ToolKind::patch;
}

// Newest first, from at most the most recent `most_calls` earlier calls of `call`; edits give their new
// text (a fragment of the file). Shell calls give the files they wrote with content they spelled out
// (`cat > utils/telemetry.py <<'EOF'`); `memo` remembers those per script (null: each is walked).
std::vector<FileChange> files_written_earlier(const Profiles& profiles, const ToolCall& call,
                                              const LeftBehindMemo* memo = nullptr, size_t most_calls = 1000);

// The files one resolved file call writes (its reconstructed changes), as the code analyser reads them.
std::vector<FileChange> files_written_by(const ResolvedCall& call);

}  // namespace toolwall::engine
