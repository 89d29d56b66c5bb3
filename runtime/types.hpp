// runtime/types.hpp — static types, used by the checker only. `any` is the type of
// what cannot be known before a case runs; everything else is checked before any case.
#pragma once

#include "runtime/value.hpp"

#include <memory>
#include <span>
#include <string>
#include <vector>

namespace cpl {

enum class TypeKind { Any, Number, Bool, String, Code, List, Record, Table };

struct Type;
using TypeP = std::shared_ptr<const Type>;

struct Type {
    TypeKind kind = TypeKind::Any;
    TypeP element;           // list element, or table value
    std::uint32_t shape = 0; // record shape
    TypeP key = {};          // table key (null: not known)
    // A record's field types, in its shape's order. A type's own, not its shape's: two record
    // literals with the same field names share a shape (and compare equal field by field) but
    // not their fields' types (`{n: 1}` and `{n: "x"}`).
    std::vector<TypeP> fields = {};
};

TypeP any_type();
TypeP number_type();
TypeP bool_type();
TypeP string_type();
TypeP code_type();
TypeP list_of(TypeP element);
/// The element type of `[]`: `any`, but the other list's element type where lists meet
/// (`if c then [] else case.extremities` is a list of extremities, not of `any`).
TypeP empty_list_element();
TypeP record_of(std::uint32_t shape, std::vector<TypeP> fields);
TypeP table_of(TypeP value, TypeP key = nullptr);

/// True when a value of type `actual` may stand where `expected` is required.
/// `any` fits everywhere; a code is a string.
bool fits(const TypeP& expected, const TypeP& actual);
/// The common type of two branches or list elements (`any` when they differ).
TypeP unify(const TypeP& a, const TypeP& b);
/// False when no value of type `a` can ever equal one of type `b` (a number and a string, a
/// code and a list…); `any`, and codes with strings, are always comparable.
bool comparable(const TypeP& a, const TypeP& b);
/// `number`, `[string]`, `extremity`, … as the author would write it.
std::string describe(const TypeP& type, const std::vector<Shape>& shapes);

/// The type of a constant value.
TypeP type_of(const Value& v, const std::vector<std::vector<TypeP>>& shape_types);

} // namespace cpl
