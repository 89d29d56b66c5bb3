// interpreter/lsp/names.cpp — look-ups in a merged policy by name.
#include "interpreter/lsp/names.hpp"

namespace cpl::lsp {

namespace {

template <typename T, typename Name>
const T* find(const std::vector<T>& items, std::string_view name, Name name_of) {
    for (const auto& item : items)
        if (name_of(item) == name) return &item;
    return nullptr;
}

} // namespace

const MergedSetting* find_setting(const MergedPolicy* p, std::string_view name) {
    return p ? find(p->settings, name, [](const auto& s) { return s.decl->name.text; }) : nullptr;
}

const MergedTable* find_table(const MergedPolicy* p, std::string_view name) {
    return p ? find(p->tables, name, [](const auto& t) { return t.decl->name.text; }) : nullptr;
}

const MergedDef* find_def(const MergedPolicy* p, std::string_view name) {
    return p ? find(p->defs, name, [](const auto& d) { return d.decl->name.text; }) : nullptr;
}

const MergedRule* find_rule(const MergedPolicy* p, std::string_view name, bool edit) {
    if (!p) return nullptr;
    return find(edit ? p->edits : p->rules, name, [](const auto& r) { return r.rule->name.text; });
}

std::string def_signature(const ast::Def& def) {
    std::string out = "def " + def.name.text;
    if (!def.is_function) return out;
    out += "(";
    for (std::size_t i = 0; i < def.params.size(); ++i) {
        if (i) out += ", ";
        out += def.params[i].name.text;
        if (def.params[i].type) out += ": " + def.params[i].type->text;
    }
    return out + ")";
}

std::string_view literal_type(const ast::Expr& value) {
    if (std::holds_alternative<ast::NumberLit>(value.kind)) return "number";
    if (std::holds_alternative<ast::CodeLit>(value.kind)) return "code";
    if (std::holds_alternative<ast::BoolLit>(value.kind)) return "bool";
    if (std::holds_alternative<ast::StringLit>(value.kind)) return "string";
    return "value";
}

} // namespace cpl::lsp
