#pragma once
// Programs that a written file runs and that an earlier call of the conversation wrote: a Makefile
// recipe, a package.json script or a cargo linker naming /tmp/.ld-wrap.sh, written after a call wrote
// that wrapper with `curl … | sh` in it, runs the download at every build. Each file was judged alone
// when it was written; together they are one program.
#include <vector>

#include "core/facts.h"

namespace toolwall::engine {

// What running `commands` (facts of files written now, so each has a location) adds once the files
// in `earlier` (newest first, as files_written_earlier gives them) are on disk: the flows and markers
// that the commands alone do not have, placed at the command that runs the earlier file.
Facts run_with_earlier_files(const std::vector<Command>& commands, const std::vector<FileChange>& earlier);

}  // namespace toolwall::engine
