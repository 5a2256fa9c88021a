// ticker-server: server push. Prices of a few made-up stocks move on a timer; the timer, outside any
// hub method, sends each new price to the group of that stock through the hub_context that map_hub
// returned. Clients subscribe to the stocks they want (groups), or stream one stock's price.
//
//     ticker-server [--port N] [--interval MS]
//
// Prints "listening on http://127.0.0.1:PORT" (port 0: any free port); the hub is at /ticker.
// Runs until Ctrl-C.

#include <signalrpp/signalrpp.hpp>

#include <asio/signal_set.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ticker {

struct quote {
    std::string symbol;
    double price = 0;
    double change = 0; // since the server started
    std::chrono::system_clock::time_point time;
};
SIGNALRPP_DEFINE_TYPE(quote, symbol, price, change, time)

// The prices, moved by tick(). Read by hub methods and moved by the timer: every call takes the lock.
class market {
public:
    market() {
        for (const auto& [symbol, price] : {std::pair{"ACME", 120.0}, {"GLOBEX", 48.5}, {"INITECH", 15.2},
                                            {"UMBRELLA", 301.0}}) {
            quotes_[symbol] = {symbol, price, 0, std::chrono::system_clock::now()};
            opening_[symbol] = price;
        }
    }

    // Moves every price by a small random step; returns the new quotes.
    std::vector<quote> tick() {
        std::lock_guard lock(mutex_);
        std::vector<quote> moved;
        for (auto& [symbol, q] : quotes_) {
            const double step = std::normal_distribution<double>(0.0, 0.004)(random_);
            q.price = std::max(0.01, std::round(q.price * (1 + step) * 100) / 100);
            q.change = std::round((q.price - opening_[symbol]) * 100) / 100;
            q.time = std::chrono::system_clock::now();
            moved.push_back(q);
        }
        return moved;
    }

    std::vector<quote> all() const {
        std::lock_guard lock(mutex_);
        std::vector<quote> out;
        for (const auto& [symbol, q] : quotes_) {
            out.push_back(q);
        }
        return out;
    }

    // The quote of `symbol`; a hub_exception (which the client sees) if there is no such stock.
    quote of(const std::string& symbol) const {
        std::lock_guard lock(mutex_);
        const auto it = quotes_.find(symbol);
        if (it == quotes_.end()) {
            throw signalrpp::hub_exception("No stock '" + symbol + "'.");
        }
        return it->second;
    }

    std::chrono::milliseconds interval{1000};

private:
    mutable std::mutex mutex_;
    std::map<std::string, quote> quotes_;
    std::map<std::string, double> opening_;
    std::mt19937 random_{20240601};
};

market& the_market() {
    static market m;
    return m;
}

struct ticker_hub : signalrpp::hub {
    // Every stock's current quote.
    std::vector<quote> quotes() { return the_market().all(); }

    // From now on, every new price of `symbol` reaches the caller as Price(quote).
    void subscribe(std::string symbol) {
        the_market().of(symbol); // refuses unknown stocks
        groups().add(context().connection_id(), symbol);
    }

    void unsubscribe(std::string symbol) { groups().remove(context().connection_id(), symbol); }

    // A stream of `count` quotes of `symbol`, one per interval (0: until the client cancels it).
    asio::awaitable<void> stream_quotes(std::string symbol, int count, signalrpp::stream_writer<quote> out) {
        asio::steady_timer timer(co_await asio::this_coro::executor);
        for (int sent = 0; count <= 0 || sent < count; ++sent) {
            if (sent > 0) {
                timer.expires_after(the_market().interval);
                co_await timer.async_wait(asio::use_awaitable); // cancelled when the client cancels
            }
            if (!out.write(the_market().of(symbol))) {
                break;
            }
        }
    }
};
SIGNALRPP_HUB(ticker_hub, (quotes, "Quotes"), (subscribe, "Subscribe"), (unsubscribe, "Unsubscribe"),
              (stream_quotes, "StreamQuotes"));

// Moves the prices every interval and pushes each new quote to its stock's group.
void schedule_ticks(asio::steady_timer& timer, const signalrpp::hub_context<ticker_hub>& hub) {
    timer.expires_after(the_market().interval);
    timer.async_wait([&timer, hub](std::error_code ec) {
        if (ec) {
            return; // stopping
        }
        for (const quote& q : the_market().tick()) {
            hub.clients().group(q.symbol).send("Price", q);
        }
        schedule_ticks(timer, hub);
    });
}

[[noreturn]] void usage() {
    std::fprintf(stderr, "usage: ticker-server [--port N] [--interval MS]\n"
                         "  --port N       the port on 127.0.0.1 (default 5001; 0: any free port)\n"
                         "  --interval MS  how often prices move (default 1000)\n");
    std::exit(2);
}

long number_after(int& i, int argc, char** argv, long max) {
    if (++i >= argc) {
        usage();
    }
    char* end = nullptr;
    const long n = std::strtol(argv[i], &end, 10);
    if (end == argv[i] || *end != '\0' || n < 0 || n > max) {
        usage();
    }
    return n;
}

} // namespace ticker

int main(int argc, char** argv) {
    unsigned short port = 5001;
    for (int i = 1; i < argc; ++i) {
        const std::string_view flag = argv[i];
        if (flag == "--port") {
            port = static_cast<unsigned short>(ticker::number_after(i, argc, argv, 65535));
        } else if (flag == "--interval") {
            ticker::the_market().interval = std::chrono::milliseconds(ticker::number_after(i, argc, argv, 3'600'000));
        } else {
            ticker::usage();
        }
    }
    if (ticker::the_market().interval.count() == 0) {
        ticker::usage();
    }

    asio::io_context io(1);
    signalrpp::server_options options;
    options.single_threaded = true; // only this thread runs io
    signalrpp::server server(io, options);
    const signalrpp::hub_context<ticker::ticker_hub> hub = server.map_hub<ticker::ticker_hub>("/ticker");
    asio::steady_timer ticks(io);
    ticker::schedule_ticks(ticks, hub);
    asio::signal_set signals(io, SIGINT, SIGTERM); // caught before the URL is printed
    signals.async_wait([&](std::error_code, int) {
        ticks.cancel();
        server.stop();
    });

    const auto bound = server.listen(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    std::printf("listening on http://127.0.0.1:%u\n", static_cast<unsigned>(bound.port()));
    std::fflush(stdout);

    io.run();
}
