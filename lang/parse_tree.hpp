// lang/parse_tree.hpp — private to lang/: which grammar rules become parse-tree nodes,
// and the parse tree → AST conversion (to_ast.cpp).
#pragma once

#include "ast.hpp"
#include "diagnostic.hpp"
#include "grammar.hpp"

#include <tao/pegtl/contrib/parse_tree.hpp>

namespace cpl::detail {

namespace g = cpl::grammar;
namespace pt = tao::pegtl::parse_tree;

/// A parse-tree node. PEGTL allocates one for every selected rule it tries and for every
/// unselected rule above a selected one (most attempts fail, or are folded away), hundreds
/// of thousands for the standard set: they come from a free list of this thread (parse.cpp)
/// instead of the general heap (malloc and free were a third of the instructions of `cpl run`
/// on one case).
struct Node : pt::basic_node<Node> {
    static void* operator new(std::size_t size);
    static void operator delete(void* node, std::size_t size) noexcept;
};

// clang-format off
template <typename Rule>
using selector = pt::selector<Rule,
    pt::store_content::on<
        g::name, g::field_name, g::code_lit, g::number, g::fraction, g::bool_lit, g::string_lit, g::str_text, g::str_escape,
        g::str_interp, g::var_ref, g::paren, g::call, g::bracket, g::comp_tail, g::comp_filter, g::record,
        g::record_field, g::expect_field, g::if_expr, g::list_when, g::list_else, g::first_expr, g::first_arm, g::quantified, g::quantifier_any, g::quantifier_all, g::quantifier_none, g::member, g::index, g::neg, g::not_expr,
        g::op_mul, g::op_add, g::op_range, g::op_cmp,
        g::header, g::extends_clause, g::cite, g::setting, g::within, g::int_range,
        g::expect_int_range, g::setting_value, g::table_decl, g::replace_mark, g::table_key,
        g::expect_key, g::key_range, g::remove_row, g::value_row, g::rows_from, g::rows_version, g::csv_column, g::csv_record, g::csv_group, g::def, g::params, g::param,
        g::expect_param, g::param_type, g::clause_for, g::clause_let, g::clause_when,
        g::clause_bill, g::bill_units, g::bill_modifiers, g::clause_cap, g::clause_deny,
        g::clause_warn, g::clause_info, g::clause_document, g::clause_add, g::add_first, g::clause_remove, g::clause_because, g::rule, g::edit,
        g::override_decl, g::kind_rule, g::kind_edit, g::disable_decl, g::require_decl, g::exception_decl, g::exception_per, g::narrow_decl, g::placement, g::placement_before,
        g::include_decl, g::effective_from, g::effective_until, g::fixed_decl, g::when_otherwise,
        g::source_decl, g::source_key, g::source_publisher, g::source_date, g::source_link,
        g::source_verified>,
    pt::fold_one::on<
        g::postfix, g::product, g::expect_sum_operand, g::sum, g::expect_range_end, g::range_expr,
        g::expect_cmp_operand, g::comparison, g::and_expr, g::expect_and_operand, g::or_expr>>;
// clang-format on

/// Converts one `declaration` node. Context-sensitive errors go to `diagnostics`.
std::optional<ast::Decl> to_decl(const Node& node, FileId file, Diagnostics& diagnostics);

/// Fills name, extends and title of `policy` from a `header` node.
void header_to_ast(const Node& node, FileId file, ast::PolicyFile& policy,
                   Diagnostics& diagnostics);

} // namespace cpl::detail
