package io.github.reactorasyncio.spring;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import reactor.core.publisher.Mono;

/**
 * Limits how many requests are in flight at once, for all routes or per route pattern / predicate, each with a
 * {@link ConcurrencyLimit}. Never blocks an event-loop thread: a request over the limit is parked as a queued
 * subscription, not a waiting thread.
 *
 * <p><b>Which limit.</b> Excluded paths pass untouched. Otherwise the first rule whose matcher accepts the
 * exchange decides; if none does, the default limit (if any) applies; with no default the request passes
 * unlimited. A request holds at most one limit.
 *
 * <p><b>Outcomes.</b> A permit is held from the moment the rest of the chain is subscribed until its
 * {@code Mono<Void>} terminates (for WebFlux handlers: after the response is written). A request that finds the
 * queue full is answered at once, one that waits {@code maxWait} in vain after that wait: both with the rejection
 * status (503 by default) and {@code Retry-After} (whole seconds, at least 1), an empty body, and the handler is
 * never called. Only the refusals of the limit this filter chose become rejections; a
 * {@link ConcurrencyLimitExceededException} from elsewhere (e.g. an outbound limit inside the handler) propagates.
 *
 * <p><b>Cancellation.</b> When the client disconnects, the server cancels the chain: a waiting request leaves the
 * queue, a running one cancels its handler and releases its permit at once.
 */
public final class ConcurrencyLimitWebFilter implements WebFilter, Ordered {

    private final List<Rule> rules;
    private final List<PathPattern> excluded;
    private final ConcurrencyLimit defaultLimit;
    private final HttpStatusCode rejectedStatus;
    private final String retryAfterSeconds;
    private final int order;

    private record Rule(Predicate<ServerWebExchange> matcher, ConcurrencyLimit limit) {
    }

    private ConcurrencyLimitWebFilter(Builder builder) {
        this.rules = List.copyOf(builder.rules);
        this.excluded = List.copyOf(builder.excluded);
        this.defaultLimit = builder.defaultLimit;
        this.rejectedStatus = builder.rejectedStatus;
        this.retryAfterSeconds = Long.toString(Math.max(1, (builder.retryAfter.toMillis() + 999) / 1000));
        this.order = builder.order;
    }

    /**
     * A builder with no rules, no exclusions and no default limit (so a filter built at once limits nothing),
     * rejection status 503, {@code Retry-After} 1 s and order {@code Ordered.HIGHEST_PRECEDENCE + 100}.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ConcurrencyLimit limit = limitFor(exchange);
        if (limit == null) {
            return chain.filter(exchange);
        }
        return limit.run(Mono.defer(() -> chain.filter(exchange)))
                .onErrorResume(ConcurrencyLimitExceededException.class,
                        refused -> refused.limitName().equals(limit.name()) ? reject(exchange) : Mono.error(refused));
    }

    private ConcurrencyLimit limitFor(ServerWebExchange exchange) {
        for (PathPattern pattern : excluded) {
            if (pattern.matches(exchange.getRequest().getPath().pathWithinApplication())) {
                return null;
            }
        }
        for (Rule rule : rules) {
            if (rule.matcher.test(exchange)) {
                return rule.limit;
            }
        }
        return defaultLimit;
    }

    private Mono<Void> reject(ServerWebExchange exchange) {
        var response = exchange.getResponse();
        response.setStatusCode(rejectedStatus);
        response.getHeaders().set(HttpHeaders.RETRY_AFTER, retryAfterSeconds);
        return response.setComplete();
    }

    @Override
    public int getOrder() {
        return order;
    }

    @Override
    public String toString() {
        return "ConcurrencyLimitWebFilter[rules=" + rules.size() + ", default=" + defaultLimit + ", status="
                + rejectedStatus + "]";
    }

    /** Configures a {@link ConcurrencyLimitWebFilter}; rules are tried in the order they were added. */
    public static final class Builder {
        private final List<Rule> rules = new ArrayList<>();
        private final List<PathPattern> excluded = new ArrayList<>();
        private ConcurrencyLimit defaultLimit;
        private HttpStatusCode rejectedStatus = HttpStatusCode.valueOf(503);
        private Duration retryAfter = Duration.ofSeconds(1);
        private int order = Ordered.HIGHEST_PRECEDENCE + 100;

        private Builder() {
        }

        /**
         * Requests matching no rule share {@code limit}.
         *
         * @param limit the limit for requests no rule matches (and that are not excluded); not null
         * @return this builder
         * @throws NullPointerException if {@code limit} is null
         */
        public Builder defaultLimit(ConcurrencyLimit limit) {
            this.defaultLimit = Objects.requireNonNull(limit, "limit must not be null");
            return this;
        }

        /**
         * Requests whose path (within the application) matches {@code pathPattern} (Spring's {@link PathPattern}
         * syntax, e.g. {@code /api/**}) share {@code limit}.
         *
         * @param pathPattern a Spring path pattern; not null
         * @param limit       the limit the matching requests share; not null
         * @return this builder
         * @throws NullPointerException if {@code pathPattern} or {@code limit} is null
         * @throws org.springframework.web.util.pattern.PatternParseException if the pattern is malformed
         */
        public Builder route(String pathPattern, ConcurrencyLimit limit) {
            PathPattern pattern = parse(pathPattern);
            return route(exchange -> pattern.matches(exchange.getRequest().getPath().pathWithinApplication()), limit);
        }

        /**
         * Requests {@code matcher} accepts (e.g. by header or key) share {@code limit}.
         *
         * @param matcher tested on every exchange that is not excluded, until a rule matches; not null
         * @param limit   the limit the accepted requests share; not null
         * @return this builder
         * @throws NullPointerException if {@code matcher} or {@code limit} is null
         */
        public Builder route(Predicate<ServerWebExchange> matcher, ConcurrencyLimit limit) {
            rules.add(new Rule(Objects.requireNonNull(matcher, "matcher must not be null"),
                    Objects.requireNonNull(limit, "limit must not be null")));
            return this;
        }

        /**
         * Requests whose path matches {@code pathPattern} are never limited (e.g. {@code /actuator/**}); exclusions
         * are checked before every rule.
         *
         * @param pathPattern a Spring path pattern, matched against the path within the application; not null
         * @return this builder
         * @throws NullPointerException if {@code pathPattern} is null
         * @throws org.springframework.web.util.pattern.PatternParseException if the pattern is malformed
         */
        public Builder exclude(String pathPattern) {
            excluded.add(parse(pathPattern));
            return this;
        }

        /**
         * The status of a rejected request; 503 by default.
         *
         * @param status the status to answer a refused request with; not null
         * @return this builder
         * @throws NullPointerException if {@code status} is null
         */
        public Builder rejectedStatus(HttpStatusCode status) {
            this.rejectedStatus = Objects.requireNonNull(status, "status must not be null");
            return this;
        }

        /**
         * The {@code Retry-After} of a rejected request, rounded up to whole seconds, at least 1; 1s by default.
         *
         * @param retryAfter the delay to advertise, not negative; not null
         * @return this builder
         * @throws NullPointerException     if {@code retryAfter} is null
         * @throws IllegalArgumentException if {@code retryAfter} is negative
         */
        public Builder retryAfter(Duration retryAfter) {
            Objects.requireNonNull(retryAfter, "retryAfter must not be null");
            if (retryAfter.isNegative()) {
                throw new IllegalArgumentException("retryAfter must not be negative, was " + retryAfter);
            }
            this.retryAfter = retryAfter;
            return this;
        }

        /**
         * The filter's order; {@code Ordered.HIGHEST_PRECEDENCE + 100} by default, so it runs early.
         *
         * @param order the value {@link ConcurrencyLimitWebFilter#getOrder()} returns
         * @return this builder
         */
        public Builder order(int order) {
            this.order = order;
            return this;
        }

        /**
         * Builds the filter from the rules, exclusions and settings given so far.
         *
         * @return a new, immutable filter
         */
        public ConcurrencyLimitWebFilter build() {
            return new ConcurrencyLimitWebFilter(this);
        }

        private static PathPattern parse(String pathPattern) {
            return PathPatternParser.defaultInstance.parse(Objects.requireNonNull(pathPattern,
                    "pathPattern must not be null"));
        }
    }
}
