package dev.shard.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SlotRangeTest {

    @Test
    void parsesSingleSlotsAndRanges() {
        assertThat(SlotRange.parse("12")).isEqualTo(new SlotRange(12, 12));
        assertThat(SlotRange.parse("0-4095")).isEqualTo(new SlotRange(0, 4095));
        assertThat(SlotRange.parse(" 7 - 9 ")).isEqualTo(new SlotRange(7, 9));
        assertThat(SlotRange.parse("5-5")).isEqualTo(SlotRange.of(5));
    }

    @Test
    void printsTheConfigurationForm() {
        assertThat(new SlotRange(0, 4095)).hasToString("0-4095");
        assertThat(SlotRange.of(12)).hasToString("12");
        assertThat(SlotRange.parse(new SlotRange(3, 30).toString())).isEqualTo(new SlotRange(3, 30));
        assertThat(new SlotRange(3, 30).size()).isEqualTo(28);
    }

    @Test
    void rejectsMalformedText() {
        Map<String, String> messages = new LinkedHashMap<>();
        messages.put("abc", "invalid slot range 'abc': expected a slot such as \"12\" or an inclusive range such as \"0-4095\"");
        messages.put("", "invalid slot range '': expected a slot");
        messages.put("1-", "invalid slot range '1-': expected a slot");
        messages.put("1.5", "invalid slot range '1.5': expected a slot");
        messages.put("5-3", "invalid slot range '5-3': 5 is greater than 3");
        messages.put("-1", "invalid slot range '-1': slots cannot be negative");
        messages.put("-5-3", "invalid slot range '-5-3': slots cannot be negative");
        messages.put("99999999999", "invalid slot range '99999999999': 99999999999 is too large");
        messages.forEach((text, message) -> assertThatThrownBy(() -> SlotRange.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(message));
    }

    @Test
    void rejectsImpossibleRanges() {
        assertThatThrownBy(() -> new SlotRange(-1, 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot be negative");
        assertThatThrownBy(() -> new SlotRange(5, 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("5 is greater than 3");
        assertThatThrownBy(() -> SlotRange.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
