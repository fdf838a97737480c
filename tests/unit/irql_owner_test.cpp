// The IRQL bound to an owner (ke/irql.h), as the i386 module binds it to hal.dll: the probe that
// tells a HAL keeping an IRQL from one whose IRQL routines are stubs (Wine's i386 hal.dll), and
// that once bound, every IRQL the core reads or changes is the owner's.
#include "ke/irql.h"

#include <gtest/gtest.h>

#include "ke/spin_lock.h"
#include "vf/verifier.h"

namespace {

// A HAL that keeps a per-thread IRQL, counting how often the core called it.
thread_local nt::KIRQL hal_level = ke::passive_level;
int hal_raises = 0, hal_lowers = 0;
nt::KIRQL NT_API hal_current() { return hal_level; }
nt::KIRQL NT_FASTCALL hal_raise(nt::KIRQL irql) {
    ++hal_raises;
    const nt::KIRQL previous = hal_level;
    hal_level = irql;
    return previous;
}
void NT_FASTCALL hal_lower(nt::KIRQL irql) {
    ++hal_lowers;
    hal_level = irql;
}
const ke::IrqlOwner keeping_hal{hal_current, hal_raise, hal_lower};

// Wine 8's i386 hal.dll: KeGetCurrentIrql and KfRaiseIrql return 0, KfLowerIrql does nothing.
nt::KIRQL NT_API stub_current() { return 0; }
nt::KIRQL NT_FASTCALL stub_raise(nt::KIRQL) { return 0; }
void NT_FASTCALL stub_lower(nt::KIRQL) {}
const ke::IrqlOwner stub_hal{stub_current, stub_raise, stub_lower};

// Raises, but its lower does not take effect.
void NT_FASTCALL sticky_lower(nt::KIRQL) {}
const ke::IrqlOwner sticky_hal{hal_current, hal_raise, sticky_lower};

class IrqlOwner : public testing::Test {
protected:
    void SetUp() override {
        hal_level = ke::passive_level;
        hal_raises = hal_lowers = 0;
        ASSERT_EQ(ke::irql_owner.load(), nullptr);
        ASSERT_EQ(ke::current_irql(), ke::passive_level);
    }
    void TearDown() override { ke::irql_owner.store(nullptr); }
};

TEST_F(IrqlOwner, AHalThatKeepsTheIrqlIsBoundAndLeftWhereItWas) {
    EXPECT_TRUE(ke::bind_irql_owner(&keeping_hal));
    EXPECT_EQ(ke::irql_owner.load(), &keeping_hal);
    EXPECT_EQ(hal_raises, 1);
    EXPECT_EQ(hal_lowers, 1);
    EXPECT_EQ(hal_level, ke::passive_level);
}

TEST_F(IrqlOwner, AHalWithStubIrqlRoutinesIsNotBound) {
    EXPECT_FALSE(ke::bind_irql_owner(&stub_hal));
    EXPECT_EQ(ke::irql_owner.load(), nullptr);
    // The module's own IRQL still works.
    const nt::KIRQL old = ke::raise_irql(ke::dispatch_level);
    EXPECT_EQ(ke::current_irql(), ke::dispatch_level);
    ke::lower_irql(old);
    EXPECT_EQ(ke::current_irql(), ke::passive_level);
}

TEST_F(IrqlOwner, AHalWhoseLowerDoesNotLowerIsNotBound) {
    EXPECT_FALSE(ke::bind_irql_owner(&sticky_hal));
    EXPECT_EQ(ke::irql_owner.load(), nullptr);
}

TEST_F(IrqlOwner, OnceBoundTheCoreReadsAndChangesTheOwnersIrql) {
    ASSERT_TRUE(ke::bind_irql_owner(&keeping_hal));
    // A driver raising through the HAL: the core (the pool's checks) sees it.
    hal_raise(ke::apc_level);
    EXPECT_EQ(ke::current_irql(), ke::apc_level);
    hal_lower(ke::passive_level);

    // The core's spin lock raises and lowers the HAL's IRQL.
    nt::KSPIN_LOCK lock = 0;
    const nt::KIRQL old = ke::acquire_spin_lock(&lock);
    EXPECT_EQ(old, ke::passive_level);
    EXPECT_EQ(hal_level, ke::dispatch_level);
    EXPECT_EQ(lock & 1, 1u);
    ke::release_spin_lock(&lock, old);
    EXPECT_EQ(hal_level, ke::passive_level);
    EXPECT_EQ(lock, 0u);

    // Setting the level it already has calls neither routine.
    const int raises = hal_raises, lowers = hal_lowers;
    EXPECT_EQ(ke::set_irql(ke::passive_level), ke::passive_level);
    EXPECT_EQ(hal_raises, raises);
    EXPECT_EQ(hal_lowers, lowers);
}

TEST_F(IrqlOwner, AnOwnerAboveDispatchIsBoundWithoutAProbe) {
    hal_level = ke::high_level;
    EXPECT_TRUE(ke::bind_irql_owner(&keeping_hal));
    EXPECT_EQ(hal_raises, 0);
    EXPECT_EQ(ke::current_irql(), ke::high_level);
    hal_level = ke::passive_level;
}

TEST_F(IrqlOwner, VerifierLoweringAboveTheOwnersIrqlStillStops) {
    EXPECT_EXIT(
        {
            vf::set_enabled(true);
            ke::bind_irql_owner(&keeping_hal);
            ke::lower_irql(ke::dispatch_level);
        },
        testing::ExitedWithCode(0xC4), "STOP: 0x000000C4 \\(0x0000000000000031");
}

}  // namespace
