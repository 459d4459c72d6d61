#include "analysis/code/change_parsers.h"

#include <optional>

#include "core/text.h"

namespace toolwall::code {

namespace {

// Lines without their terminators ("\n" or "\r\n"); a final newline does not make an empty line.
std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    start = end + 1;
  }
  return lines;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::string at_line(size_t index, std::string_view message) {
  return "line " + std::to_string(index + 1) + ": " + std::string(message);
}

void append_line(std::string& to, std::string_view line) {
  to.append(line);
  to.push_back('\n');
}

}  // namespace

ParsedChanges parse_apply_patch(std::string_view text) {
  ParsedChanges out;
  auto lines = split_lines(text);
  size_t i = 0;
  // Models sometimes wrap the envelope in a heredoc (apply_patch <<'EOF' … EOF); Codex accepts that.
  while (i < lines.size() && trim(lines[i]) != "*** Begin Patch") {
    auto t = trim(lines[i]);
    if (!t.empty() && !starts_with(t, "apply_patch") && !starts_with(t, "<<")) {
      out.error = at_line(i, "expected '*** Begin Patch'");
      return out;
    }
    ++i;
  }
  if (i == lines.size()) {
    out.error = "no '*** Begin Patch' line";
    return out;
  }
  ++i;
  bool ended = false;
  std::optional<FileChange> current;
  auto flush = [&] {
    if (current) out.files.push_back(std::move(*current));
    current.reset();
  };
  for (; i < lines.size() && !ended; ++i) {
    std::string_view line = lines[i];
    std::string_view t = trim(line);
    if (t == "*** End Patch") {
      ended = true;
      break;
    }
    if (starts_with(line, "*** Add File: ")) {
      flush();
      current = FileChange{std::string(trim(line.substr(14))), "", "", true, false};
      if (current->path.empty()) out.error = at_line(i, "Add File without a path");
      continue;
    }
    if (starts_with(line, "*** Delete File: ")) {
      flush();
      current = FileChange{std::string(trim(line.substr(17))), "", "", true, true};
      if (current->path.empty()) out.error = at_line(i, "Delete File without a path");
      flush();
      continue;
    }
    if (starts_with(line, "*** Update File: ")) {
      flush();
      current = FileChange{std::string(trim(line.substr(17))), "", "", false, false};
      if (current->path.empty()) out.error = at_line(i, "Update File without a path");
      continue;
    }
    if (starts_with(line, "*** Move to: ")) {
      if (!current || current->whole_file || current->deleted) {
        out.error = at_line(i, "'*** Move to:' outside an Update File section");
        continue;
      }
      current->path = std::string(trim(line.substr(13)));
      continue;
    }
    if (t == "*** End of File") continue;
    if (!current) {
      if (!t.empty() && out.error.empty())
        out.error = at_line(i, "content before any '*** Add/Update/Delete File:'");
      continue;
    }
    if (current->whole_file) {  // Add File: every line is '+' content
      if (!line.empty() && line[0] == '+') {
        append_line(current->new_text, line.substr(1));
      } else if (!line.empty() && out.error.empty()) {
        out.error = at_line(i, "Add File lines must start with '+'");
      }
      continue;
    }
    if (starts_with(line, "@@")) {
      if (!current->new_text.empty() || !current->old_text.empty()) {  // keep hunks apart as paragraphs
        current->new_text.push_back('\n');
        current->old_text.push_back('\n');
      }
      continue;
    }
    if (line.empty()) {  // a blank context line whose leading space an editor dropped
      append_line(current->new_text, "");
      append_line(current->old_text, "");
    } else if (line[0] == '+') {
      append_line(current->new_text, line.substr(1));
    } else if (line[0] == '-') {
      append_line(current->old_text, line.substr(1));
    } else if (line[0] == ' ') {
      append_line(current->new_text, line.substr(1));
      append_line(current->old_text, line.substr(1));
    } else if (out.error.empty()) {
      out.error = at_line(i, "hunk lines must start with ' ', '+' or '-'");
    }
  }
  flush();
  if (!ended && out.error.empty()) out.error = "no '*** End Patch' line";
  if (out.files.empty() && out.error.empty()) out.error = "the patch changes no file";
  return out;
}

namespace {

enum class Marker { none, search, divider, replace };

// Cline accepts any run of 3+ marker characters; so do we.
Marker marker_of(std::string_view line) {
  std::string_view t = trim(line);
  auto run_of = [&](char c) {
    size_t n = 0;
    while (n < t.size() && t[n] == c) ++n;
    return n;
  };
  auto keyword_after = [&](size_t n, std::string_view keyword) {
    std::string_view rest = trim(t.substr(n));
    if (!rest.empty() && rest.back() == '>') rest.remove_suffix(1);  // "SEARCH>" in some models' output
    return n >= 3 && rest == keyword;
  };
  if (keyword_after(run_of('-'), "SEARCH") || keyword_after(run_of('<'), "SEARCH")) return Marker::search;
  if (keyword_after(run_of('+'), "REPLACE") || keyword_after(run_of('>'), "REPLACE")) return Marker::replace;
  if (t.size() >= 3 && run_of('=') == t.size()) return Marker::divider;
  return Marker::none;
}

}  // namespace

ParsedChanges parse_search_replace(std::string path, std::string_view diff) {
  ParsedChanges out;
  FileChange change{std::move(path), "", "", false, false};
  enum class State { outside, search, replace } state = State::outside;
  size_t blocks = 0;
  auto lines = split_lines(diff);
  for (size_t i = 0; i < lines.size(); ++i) {
    Marker m = marker_of(lines[i]);
    switch (state) {
      case State::outside:
        if (m == Marker::search) {
          state = State::search;
          if (blocks++) {
            change.old_text.push_back('\n');
            change.new_text.push_back('\n');
          }
        } else if (!trim(lines[i]).empty() && out.error.empty()) {
          out.error = at_line(i, "text outside a SEARCH/REPLACE block");
        }
        break;
      case State::search:
        if (m == Marker::divider) {
          state = State::replace;
        } else if (m != Marker::none) {
          if (out.error.empty()) out.error = at_line(i, "expected '=======' before this marker");
        } else {
          append_line(change.old_text, lines[i]);
        }
        break;
      case State::replace:
        if (m == Marker::replace) {
          state = State::outside;
        } else if (m == Marker::search || m == Marker::divider) {
          if (out.error.empty()) out.error = at_line(i, "expected '+++++++ REPLACE' to close the block");
          if (m == Marker::search) state = State::search;
        } else {
          append_line(change.new_text, lines[i]);
        }
        break;
    }
  }
  if (state != State::outside && out.error.empty()) out.error = "unterminated SEARCH/REPLACE block";
  if (blocks == 0 && out.error.empty()) out.error = "no SEARCH/REPLACE block";
  // An empty SEARCH section in Cline means "the whole file", so the replacement is the full content.
  if (blocks == 1 && change.old_text.empty()) change.whole_file = true;
  out.files.push_back(std::move(change));
  return out;
}

std::string json_snippet_made_whole(std::string_view snippet) {
  size_t first = snippet.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos || first == 0 || snippet[first] == '{' || snippet[first] == '[') return {};
  std::string text(snippet);
  text[0] = '{';
  std::string closers;
  bool in_string = scan_json_brackets(text, [&](char c, size_t) {
    if (c == '{') closers.push_back('}');
    else if (c == '[') closers.push_back(']');
    else if (!closers.empty()) closers.pop_back();
    return true;
  });
  if (in_string) return {};
  size_t last = text.find_last_not_of(" \t\r\n");
  if (last != std::string::npos && text[last] == ',') text[last] = ' ';
  text.append(closers.rbegin(), closers.rend());  // the caller keeps it only when it parses cleanly
  return text;
}

}  // namespace toolwall::code
