// interpreter/check/context.hpp — what every part of the checker shares: the merged policy
// being checked, the Program being built, the name indexes, and the scopes of locals.
// Private to interpreter/check/.
#pragma once

#include "interpreter/load/load.hpp"
#include "interpreter/program/program.hpp"
#include "lang/diagnostic.hpp"

#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace cpl::check_detail {

struct Local {
    std::string name;
    std::uint32_t slot;
    TypeP type;
};

struct Scope {
    std::vector<Local> locals;
    std::uint32_t next_slot = 0;
    std::uint32_t frame_size = 0;
    bool in_edit = false;
    bool constant_only = false;             // table values: no case, no definitions
    std::optional<std::uint32_t> line_slot; // the `for line in claim` variable, in edits

    std::uint32_t push(std::string name, TypeP type) {
        std::uint32_t slot = next_slot++;
        frame_size = std::max(frame_size, next_slot);
        locals.push_back({std::move(name), slot, std::move(type)});
        return slot;
    }
    void pop() {
        locals.pop_back();
        --next_slot;
    }
};

struct Typed {
    Node node;
    TypeP type;
};

inline bool is_text(const TypeP& t) {
    return t->kind == TypeKind::String || t->kind == TypeKind::Code;
}
inline bool known(const TypeP& t) {
    return t->kind != TypeKind::Any;
}

class CheckContext {
public:
    CheckContext(const MergedPolicy& merged, Diagnostics& diagnostics)
        : merged_(merged), diagnostics_(diagnostics), program_(std::make_unique<Program>()) {}
    virtual ~CheckContext() = default;

protected:
    static Effective effective(const ast::Effective& e) {
        return {e.from ? e.from->text : "", e.until ? e.until->text : ""};
    }

    Program& p() { return *program_; }

    Diagnostic& error(std::string code, Span span, std::string message) {
        return diagnostics_.error(std::move(code), span, std::move(message));
    }

    static std::string shape_key(const std::vector<std::string>& fields) {
        std::string key;
        for (const auto& f : fields)
            key += f + ",";
        return key;
    }

    std::string type_name(const TypeP& t) { return describe(t, p().shapes); }

    const MergedPolicy& merged_;
    Diagnostics& diagnostics_;
    std::unique_ptr<Program> program_;
    std::unordered_map<std::string, std::uint32_t> setting_index_, table_index_, def_index_,
        shape_ids_;
    std::unordered_map<std::string, TypeP> table_types_;
    std::vector<int> def_state_;
};

} // namespace cpl::check_detail
