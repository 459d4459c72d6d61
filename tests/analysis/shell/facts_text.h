#pragma once
// Every field of a shell analysis's facts as text, one line per fact: two readings of one script
// compare equal exactly when they found the same facts (the plain-command test and fuzz target).
#include <sstream>
#include <string>
#include <vector>

#include "core/facts.h"

namespace shell_test {

inline std::string spans(const std::vector<toolwall::Span>& list) {
  std::string out;
  for (const auto& span : list) out += std::to_string(span.begin) + "-" + std::to_string(span.end) + " ";
  return out;
}

inline std::string joined(const std::vector<std::string>& list) {
  std::string out;
  for (const auto& item : list) out += item + "\x1f";
  return out;
}

// Every field of the facts a shell analysis yields, one line per fact.
inline std::string described(const toolwall::Facts& facts) {
  std::ostringstream out;
  for (const auto& c : facts.commands)
    out << "command " << c.name << " [" << joined(c.argv) << "] " << spans({c.span, c.statement}) << "ctx "
        << joined(c.context) << " wrap " << joined(c.wrappers) << " dyn " << c.dynamic_name << "\n";
  for (const auto& f : facts.flows)
    out << "flow " << f.from << "->" << f.to << " via " << joined(f.via) << " src " << f.source << " sink " << f.sink
        << " host " << f.host << " " << spans({f.span, f.statement}) << "\n";
  for (const auto& m : facts.markers)
    out << "marker " << m.name << " " << m.detail << " " << spans({m.span, m.statement}) << "\n";
  for (const auto& f : facts.files)
    out << "file " << f.path << " whole " << f.whole_file << " deleted " << f.deleted << " new [" << f.new_text
        << "] old [" << f.old_text << "]\n";
  out << "hosts " << joined(facts.hosts) << "\nstatements " << spans(facts.statements) << "\ncomplete "
      << facts.complete << " " << facts.incomplete_reason << "\n";
  return out.str();
}

}  // namespace shell_test
