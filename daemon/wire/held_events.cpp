#include "wire/held_events.h"

#include <exception>

namespace toolwall::wire {

Expected<StreamEvent, WireError> read_stream_event(SseEvent& sse, const JudgeContext& ctx) {
  StreamEvent event;
  event.raw = std::move(sse.raw);
  auto parsed = parse_bounded(sse.data, ctx.limits);
  if (!parsed) {
    if (ctx.counters) ++ctx.counters->upstream_malformed;
    return unexpected(
        WireError{502, "upstream_malformed_json", "the upstream sent a stream event that is not valid JSON"});
  }
  if (!parsed->is_object()) return event;
  event.json = true;
  event.body = std::move(*parsed);
  event.type = string_member(event.body, "type");
  if (event.type.empty()) event.type = sse.event;
  return event;
}

HeldEvents::HeldEvents(Dialect& dialect, const JudgeContext& ctx, HeldEventsNaming naming, size_t max_parts)
    : dialect_(dialect), ctx_(ctx), naming_(naming), max_parts_(max_parts) {}

int HeldEvents::key_at(int upstream_index) const {
  auto known = key_by_index_.find(upstream_index);
  return known == key_by_index_.end() ? -1 : known->second;
}

void HeldEvents::end_part_at(int upstream_index) {
  auto known = key_by_index_.find(upstream_index);
  if (known == key_by_index_.end()) return;
  HeldPart& previous = parts_[known->second];
  if (previous.is_call && !previous.ready) {
    previous.ready = true;
    previous.cut_short = std::string("the upstream started another ") + naming_.part + " at its " + naming_.index_field;
  }
  key_by_index_.erase(known);
}

Expected<int, WireError> HeldEvents::open_part(int upstream_index, bool is_call) {
  if (parts_.size() >= max_parts_) {
    return unexpected(WireError{502, "limit_exceeded",
                                std::string("the upstream ") + naming_.whole + " has more than " +
                                    std::to_string(max_parts_) + " " + naming_.part + "s"});
  }
  int key = next_key_++;
  HeldPart& part = parts_[key];
  part.is_call = is_call;
  part.upstream_index = upstream_index;
  key_by_index_[upstream_index] = key;
  if (is_call) queue_.push_back(Slot{StreamEvent{}, key});
  return key;
}

std::optional<WireError> HeldEvents::over_limit(std::string_view what) {
  if (ctx_.counters) ++ctx_.counters->limit_exceeded;
  return WireError{502, "limit_exceeded",
                   std::string(what) + " exceed " + std::to_string(ctx_.limits.max_held_bytes) + " bytes"};
}

std::optional<WireError> HeldEvents::pass(StreamEvent event, std::string& out) {
  queued_bytes_ += event.raw.size();
  queue_.push_back(Slot{std::move(event), -1});
  flush(out);
  // What waits behind a held call counts against the same cap as the call itself.
  if (held_bytes_ + queued_bytes_ > ctx_.limits.max_held_bytes)
    return over_limit("events held behind a tool call");
  return std::nullopt;
}

std::optional<WireError> HeldEvents::hold(StreamEvent event) {
  HeldPart& part = parts_[event.part_key];
  part.held_bytes += event.raw.size();
  held_bytes_ += event.raw.size();
  part.held.push_back(std::move(event));
  if (held_bytes_ > ctx_.limits.max_held_bytes)
    return over_limit(std::string(naming_.call) + "s held in the stream");
  return std::nullopt;
}

void HeldEvents::mark_oversized(HeldPart& part) {
  part.oversized = true;
  if (ctx_.counters) ++ctx_.counters->limit_exceeded;
  held_bytes_ -= part.held_bytes;
  part.held_bytes = 0;
  part.held.clear();
}

void HeldEvents::flush(std::string& out) {
  while (!queue_.empty()) {
    Slot& slot = queue_.front();
    if (slot.call_key >= 0) {
      HeldPart& part = parts_[slot.call_key];
      if (!part.ready) return;
      dialect_.release(slot.call_key, part, out);
      part.resolved = true;
      held_bytes_ -= part.held_bytes;
      part.held_bytes = 0;
      part.held = {};
    } else {
      emit(slot.event, out);
      queued_bytes_ -= slot.event.raw.size();
    }
    queue_.pop_front();
  }
}

void HeldEvents::emit(StreamEvent& event, std::string& out) {
  if (!event.json) {
    out += event.raw;
    return;
  }
  bool modified = false;
  if (event.part_key >= 0) {
    HeldPart& part = parts_[event.part_key];
    if (part.client_index < 0) number(event.part_key);
    auto index = event.body.find(naming_.index_field);
    if (index != event.body.end() && *index != part.client_index) {
      *index = part.client_index;
      modified = true;
    }
  }
  modified = dialect_.adjust(event) || modified;
  if (modified)
    write(event.type, event.body, out);
  else
    out += event.raw;
}

void HeldEvents::end_open_calls(const std::optional<std::string>& why) {
  for (auto& [key, part] : parts_) {
    if (!part.is_call || part.ready) continue;
    part.ready = true;
    part.cut_short = why;
  }
}

void HeldEvents::cut_all_and_flush(const std::string& why, std::string& out) {
  for (auto& [key, part] : parts_) {
    if (!part.is_call || part.resolved) continue;
    part.ready = true;
    part.cut_short = why;
  }
  try {
    flush(out);
  } catch (const std::exception&) {
    queue_.clear();
    queued_bytes_ = 0;  // what could not be emitted is dropped: never released unjudged
  }
}

bool HeldEvents::has_unresolved_calls() const {
  for (const auto& [key, part] : parts_)
    if (part.is_call && !part.resolved) return true;
  return false;
}

std::optional<WireError> HeldEvents::end_of_stream(const std::string& error, bool message_ended,
                                                   std::string& out) {
  if (error.empty()) {
    if (has_unresolved_calls()) {
      return WireError{502, "upstream_stream_truncated",
                       std::string("the upstream stream ended before a ") + naming_.call + " was complete"};
    }
    flush(out);
    return std::nullopt;
  }
  if (message_ended && !has_unresolved_calls()) return std::nullopt;  // all was said; the close came late
  return WireError{502, "upstream_stream_failed", error};
}

std::optional<Verdict> HeldEvents::preset_verdict(const HeldPart& part) const {
  if (part.cut_short) return incomplete_call_verdict(*part.cut_short);
  if (part.oversized) return oversized_call_verdict(ctx_.limits);
  return std::nullopt;
}

void HeldEvents::number(int key) {
  parts_[key].client_index = static_cast<int>(client_order_.size());
  client_order_.push_back(key);
}

void HeldEvents::write(const std::string& type, const OrderedJson& body, std::string& out) {
  out += "event: ";
  out += type;
  out += "\ndata: ";
  out += dump_compact(body);
  out += "\n\n";
}

}  // namespace toolwall::wire
