// tests/runtime/types_test.cpp — a record type carries its own fields' types: two records of
// one shape fit, unify and compare field by field, and are named with their fields' types.
#include "runtime/types.hpp"

#include <catch2/catch.hpp>

using namespace cpl;

namespace {

// One unnamed shape `{n}`, as two literals `{n: 1}` and `{n: "x"}` share it.
const std::vector<Shape> shapes = {{"", {"n"}}};

} // namespace

TEST_CASE("record types of one shape keep their own field types", "[types]") {
    TypeP of_number = record_of(0, {number_type()});
    TypeP of_string = record_of(0, {string_type()});
    TypeP of_any = record_of(0, {any_type()});

    CHECK(fits(of_number, record_of(0, {number_type()})));
    CHECK_FALSE(fits(of_number, of_string));
    CHECK(fits(of_any, of_string));
    CHECK(fits(of_number, of_any));

    CHECK_FALSE(comparable(of_number, of_string));
    CHECK(comparable(of_number, of_any));

    TypeP either = unify(of_number, of_string);
    REQUIRE(either->kind == TypeKind::Record);
    CHECK(either->fields.at(0)->kind == TypeKind::Any);
    CHECK(unify(of_number, record_of(0, {number_type()}))->fields.at(0)->kind == TypeKind::Number);

    CHECK(describe(of_number, shapes) == "{n: number}");
    CHECK(describe(of_string, shapes) == "{n: string}");
    CHECK(describe(of_any, shapes) == "{n}");
}

TEST_CASE("a constant record's type keeps its shape's field types where they fit", "[types]") {
    std::vector<std::vector<TypeP>> shape_types = {{code_type()}};
    Value code = Value::of_string("95860");
    Value as_code[] = {code};
    CHECK(type_of(Value::of_record(0, as_code), shape_types)->fields.at(0)->kind == TypeKind::Code);
    Value as_number[] = {Value::of_number(3)};
    CHECK(type_of(Value::of_record(0, as_number), shape_types)->fields.at(0)->kind ==
          TypeKind::Number);
}
