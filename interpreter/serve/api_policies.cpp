// interpreter/serve/api_policies.cpp — the endpoints about policies rather than cases:
// listing with settings and load errors, diff against the base, the muscle table, health.
#include "interpreter/case/case_schema.hpp"
#include "interpreter/serve/api.hpp"
#include "interpreter/serve/json_dump.hpp"
#include "interpreter/tools/diff.hpp"
#include "runtime/ascii.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace cpl::serve {

namespace {

using nlohmann::json;

json setting_json(const SettingCode& s, const std::vector<Shape>& shapes) {
    json versions = json::array();
    for (const auto& v : s.versions) {
        json version{{"value", to_text(v.value, shapes, true)}, {"layer", v.layer}};
        if (!v.effective.from.empty()) version["from"] = v.effective.from;
        if (!v.effective.until.empty()) version["until"] = v.effective.until;
        if (!v.cite.empty()) version["cite"] = v.cite;
        versions.push_back(std::move(version));
    }
    json out{{"name", s.name},   {"type", describe(s.type, shapes)},
             {"doc", s.doc},     {"cite", s.cite},
             {"layer", s.layer}, {"versions", std::move(versions)}};
    // The value when it does not depend on the date of service; dated settings list only
    // their versions.
    if (s.versions.size() <= 1 && (s.versions.empty() || !s.versions[0].effective.dated()))
        out["value"] = to_text(s.value, shapes, true);
    if (s.within) out["within"] = {s.within->first, s.within->second};
    return out;
}

json policy_json(const PolicyStore::Status& s) {
    const PolicyState& state = *s.current;
    const Program& p = *state.program;
    json settings = json::array();
    for (const auto& setting : p.settings)
        settings.push_back(setting_json(setting, p.shapes));
    json out{{"name", p.name},
             {"title", p.title},
             {"reference", state.reference},
             {"layers", p.layers},
             // The base by its name, as `?policy=` and /v1/diff name it: the reference the
             // header wrote (`"acme.cpl"`, a path) named no loaded policy, and the workbench
             // did not offer Compare. Written as it was only when the base does not load.
             {"base", p.base.empty() ? json()
                      : state.base   ? json(state.base->name)
                                     : json(p.base)},
             {"fingerprint", state.fingerprint},
             {"version", state.version},
             {"loaded_at", state.loaded_at},
             {"files", state.files},
             {"rules", p.rules.size()},
             {"edits", p.edits.size()},
             {"tables", p.tables.size()},
             {"reloads", s.reloads},
             {"failed_reloads", s.failed_reloads},
             {"last_error",
              s.last_error ? json{{"time", s.last_error->time}, {"message", s.last_error->message}}
                           : json()},
             {"settings", std::move(settings)}};
    if (!p.service_dates.from.empty()) out["dates_of_service_from"] = p.service_dates.from;
    if (!p.service_dates.until.empty()) out["dates_of_service_until"] = p.service_dates.until;
    return out;
}

} // namespace

Reply policies(Context& ctx, const Params& params) {
    if (auto bad = unknown_parameter(params, {"policy"})) return *bad;
    auto wanted = params.find("policy");
    json list = json::array();
    for (const auto& s : ctx.store.status())
        if (wanted == params.end() || s.current->program->name == wanted->second)
            list.push_back(policy_json(s));
    if (wanted != params.end() && list.empty()) return std::get<Reply>(policy_of(ctx, params));
    auto names = ctx.store.names();
    return {200, json_dump(json{{"default", names.empty() ? json() : json(names.front())},
                                {"policies", std::move(list)}})};
}

Reply diff(Context& ctx, const Params& params) {
    if (auto bad = unknown_parameter(params, {"policy"})) return *bad;
    auto policy = policy_of(ctx, params);
    if (auto* reply = std::get_if<Reply>(&policy)) return *reply;
    const auto& state = std::get<std::shared_ptr<const PolicyState>>(policy);
    const Program& payer = *state->program;
    if (payer.base.empty())
        return error_reply(
            400,
            fmt::format("policy `{}` extends no policy: nothing to compare it with", payer.name),
            "ask for a payer policy, one whose header says `extends`");
    if (!state->base)
        return error_reply(
            500,
            fmt::format("the base `{}` of policy `{}` could not be loaded", payer.base, payer.name),
            state->base_error);
    std::vector<Change> changes = cpl::diff(*state->base, payer);
    json list = json::array();
    for (const auto& c : changes)
        list.push_back({{"kind", c.kind},
                        {"name", c.name},
                        {"action", c.action},
                        {"before", c.before},
                        {"after", c.after},
                        {"cite", c.cite},
                        {"layer", c.layer},
                        {"details", c.details},
                        {"restated", c.restated}});
    return {200, json_dump(json{{"policy", payer.name},
                                {"base", state->base->name},
                                {"fingerprint", state->fingerprint},
                                {"changes", std::move(list)},
                                {"report", render_changes(changes, *state->base, payer)}})};
}

Reply muscles(Context& ctx, const Params& params) {
    if (auto bad = unknown_parameter(params, {"policy"})) return *bad;
    auto policy = policy_of(ctx, params);
    if (auto* reply = std::get_if<Reply>(&policy)) return *reply;
    const auto& state = std::get<std::shared_ptr<const PolicyState>>(policy);
    const Program& p = *state->program;
    json list = json::array();
    if (p.muscles) {
        const MuscleIndex& index = *p.muscles;
        std::string lower;
        for (const auto& name : index.names) {
            json entry{{"name", name}};
            if (const MuscleIndex::Muscle* muscle = index.find(name, lower)) {
                entry["nerve"] = muscle->fields[muscle_field::nerve].str();
                json roots = json::array();
                for (const Value& r : muscle->fields[muscle_field::roots].list())
                    roots.push_back(r.str());
                entry["roots"] = std::move(roots);
            }
            list.push_back(std::move(entry));
        }
    }
    return {200, json_dump(json{{"policy", p.name}, {"muscles", std::move(list)}})};
}

Reply health(Context& ctx, const Params& params) {
    if (auto bad = unknown_parameter(params, {})) return *bad;
    json list = json::array();
    bool degraded = false;
    for (const auto& s : ctx.store.status()) {
        degraded = degraded || s.last_error.has_value();
        list.push_back({{"name", s.current->program->name},
                        {"fingerprint", s.current->fingerprint},
                        {"version", s.current->version},
                        {"last_reload_failed", s.last_error.has_value()}});
    }
    // Still 200 when a reload failed: the old policy serves, so the server is healthy; the
    // status word tells an operator to look.
    return {200, json_dump(json{{"status", degraded ? "degraded" : "ok"},
                                {"policies", std::move(list)}})};
}

} // namespace cpl::serve
