package io.github.reactorasyncio.spring;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * The {@code reactor.asyncio.*} properties. Unknown keys and out-of-range values fail start-up: the class
 * validates itself (Boot applies a {@code @ConfigurationProperties} bean's own {@link Validator}) and binds with
 * {@code ignoreUnknownFields = false}.
 */
@ConfigurationProperties(prefix = "reactor.asyncio", ignoreUnknownFields = false)
public class ReactorAsyncioProperties implements Validator {

    /** Limits on requests this application serves. */
    private final Inbound inbound = new Inbound();

    /** Limits on calls this application makes with WebClient. */
    private final Outbound outbound = new Outbound();

    /** {@return the {@code reactor.asyncio.inbound.*} settings, never null} */
    public Inbound getInbound() {
        return inbound;
    }

    /** {@return the {@code reactor.asyncio.outbound.*} settings, never null} */
    public Outbound getOutbound() {
        return outbound;
    }

    /** One limit: how many at once, how many more may wait, for how long. */
    public static class Limit {

        /**
         * How many at once; at least 1. Inbound: requests in flight (top level: those matching no route; unset,
         * they are not limited). Outbound top level: calls to each host not listed under limits (unset: not
         * limited).
         */
        private Integer maxConcurrent;

        /** How many more may wait for a permit; beyond that they are refused at once. At least 0. */
        private int maxQueue = 100;

        /** How long one may wait for a permit before it is refused. */
        private Duration maxWait = Duration.ofSeconds(1);

        /**
         * {@return how many at once, or {@code null} if unset (allowed at top level only, where it means no
         * limit)}
         */
        public Integer getMaxConcurrent() {
            return maxConcurrent;
        }

        /**
         * Sets how many at once.
         *
         * @param maxConcurrent how many at once, at least 1, or {@code null} for no limit at top level (validated
         *     at start-up)
         */
        public void setMaxConcurrent(Integer maxConcurrent) {
            this.maxConcurrent = maxConcurrent;
        }

        /** {@return how many more may wait for a permit (default 100)} */
        public int getMaxQueue() {
            return maxQueue;
        }

        /**
         * Sets how many more may wait for a permit.
         *
         * @param maxQueue how many more may wait, at least 0 (validated at start-up)
         */
        public void setMaxQueue(int maxQueue) {
            this.maxQueue = maxQueue;
        }

        /** {@return how long one may wait for a permit before it is refused (default 1 s)} */
        public Duration getMaxWait() {
            return maxWait;
        }

        /**
         * Sets how long one may wait for a permit before it is refused.
         *
         * @param maxWait the longest wait for a permit, not negative (validated at start-up)
         */
        public void setMaxWait(Duration maxWait) {
            this.maxWait = maxWait;
        }

        ConcurrencyLimit toLimit(String name) {
            return ConcurrencyLimit.of(name, maxConcurrent, maxQueue, maxWait);
        }

        void validate(String path, Errors errors, boolean limitRequired) {
            if (maxConcurrent == null) {
                if (limitRequired) {
                    errors.rejectValue(path + "maxConcurrent", "required", "must be set (at least 1)");
                }
            } else if (maxConcurrent < 1) {
                errors.rejectValue(path + "maxConcurrent", "min", "must be at least 1, was " + maxConcurrent);
            }
            if (maxQueue < 0) {
                errors.rejectValue(path + "maxQueue", "min", "must be at least 0, was " + maxQueue);
            }
            if (maxWait == null || maxWait.isNegative()) {
                errors.rejectValue(path + "maxWait", "min", "must be a non-negative duration, was " + maxWait);
            }
        }
    }

    /** A limit for the requests whose path matches a pattern. */
    public static class Route extends Limit {

        /** Spring path pattern selecting the requests, e.g. {@code /api/**}. */
        private String pattern;

        /** {@return the path pattern selecting this route's requests, or {@code null} if unset} */
        public String getPattern() {
            return pattern;
        }

        /**
         * Sets the path pattern selecting this route's requests.
         *
         * @param pattern a Spring path pattern, e.g. {@code /api/**} (validated at start-up)
         */
        public void setPattern(String pattern) {
            this.pattern = pattern;
        }
    }

    /** Inbound: a WebFilter limiting requests in flight. */
    public static class Inbound extends Limit {

        /** Whether to install the inbound filter. With no max-concurrent and no routes it limits nothing. */
        private boolean enabled = true;

        /** Status of a rejected request (queue full or waited too long); a 4xx or 5xx code. */
        private int rejectedStatus = 503;

        /** Retry-After sent with a rejection, in whole seconds (rounded up, at least 1). */
        private Duration retryAfter = Duration.ofSeconds(1);

        /** Path patterns never limited, e.g. /actuator/**. */
        private List<String> exclude = new ArrayList<>();

        /**
         * Per-route limits by name (the limit's name in metrics); tried in order, the first matching pattern
         * wins; requests matching none share the top-level max-concurrent, if set.
         */
        private Map<String, Route> routes = new LinkedHashMap<>();

        /** {@return whether the inbound filter is installed (default {@code true})} */
        public boolean isEnabled() {
            return enabled;
        }

        /**
         * Sets whether to install the inbound filter.
         *
         * @param enabled {@code false} not to install the inbound filter
         */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        /** {@return the status of a rejected request (default 503)} */
        public int getRejectedStatus() {
            return rejectedStatus;
        }

        /**
         * Sets the status of a rejected request.
         *
         * @param rejectedStatus a 4xx or 5xx status code (validated at start-up)
         */
        public void setRejectedStatus(int rejectedStatus) {
            this.rejectedStatus = rejectedStatus;
        }

        /** {@return the Retry-After sent with a rejection (default 1 s)} */
        public Duration getRetryAfter() {
            return retryAfter;
        }

        /**
         * Sets the Retry-After sent with a rejection, in whole seconds rounded up.
         *
         * @param retryAfter the Retry-After duration, not negative (validated at start-up)
         */
        public void setRetryAfter(Duration retryAfter) {
            this.retryAfter = retryAfter;
        }

        /** {@return the path patterns never limited (default none); the live, mutable list} */
        public List<String> getExclude() {
            return exclude;
        }

        /**
         * Sets the path patterns never limited.
         *
         * @param exclude Spring path patterns never limited (validated at start-up)
         */
        public void setExclude(List<String> exclude) {
            this.exclude = exclude;
        }

        /** {@return the per-route limits by name (default none); the live, mutable map} */
        public Map<String, Route> getRoutes() {
            return routes;
        }

        /**
         * Sets the per-route limits by name.
         *
         * @param routes the per-route limits by name, tried in iteration order
         */
        public void setRoutes(Map<String, Route> routes) {
            this.routes = routes;
        }
    }

    /** Outbound: an ExchangeFilterFunction limiting WebClient calls, per host or per named limit. */
    public static class Outbound extends Limit {

        /**
         * Named limits: the name is a host (a call to that host uses it; use [brackets] for dotted hosts) or any
         * name a request selects with the filter's LIMIT_ATTRIBUTE.
         */
        private Map<String, Limit> limits = new LinkedHashMap<>();

        /** {@return the named outbound limits (default none); the live, mutable map} */
        public Map<String, Limit> getLimits() {
            return limits;
        }

        /**
         * Sets the named outbound limits.
         *
         * @param limits the named limits by host or name
         */
        public void setLimits(Map<String, Limit> limits) {
            this.limits = limits;
        }
    }

    @Override
    public boolean supports(Class<?> type) {
        return ReactorAsyncioProperties.class.isAssignableFrom(type);
    }

    @Override
    public void validate(Object target, Errors errors) {
        ReactorAsyncioProperties properties = (ReactorAsyncioProperties) target;
        Inbound in = properties.inbound;
        in.validate("inbound.", errors, false);
        if (in.rejectedStatus < 400 || in.rejectedStatus > 599) {
            errors.rejectValue("inbound.rejectedStatus", "range",
                    "must be a 4xx or 5xx status, was " + in.rejectedStatus);
        }
        if (in.retryAfter == null || in.retryAfter.isNegative()) {
            errors.rejectValue("inbound.retryAfter", "min", "must be a non-negative duration, was " + in.retryAfter);
        }
        for (int i = 0; i < in.exclude.size(); i++) {
            checkPattern("inbound.exclude[" + i + "]", in.exclude.get(i), errors);
        }
        in.routes.forEach((name, route) -> {
            String path = "inbound.routes[" + name + "].";
            route.validate(path, errors, true);
            if (route.pattern == null) {
                errors.rejectValue(path + "pattern", "required", "must be set, e.g. /api/**");
            } else {
                checkPattern(path + "pattern", route.pattern, errors);
            }
        });
        Outbound out = properties.outbound;
        out.validate("outbound.", errors, false);
        out.limits.forEach((name, limit) -> limit.validate("outbound.limits[" + name + "].", errors, true));
    }

    private static void checkPattern(String field, String pattern, Errors errors) {
        try {
            PathPatternParser.defaultInstance.parse(pattern);
        } catch (RuntimeException malformed) {
            errors.rejectValue(field, "pattern", "is not a valid path pattern: " + malformed.getMessage());
        }
    }
}
