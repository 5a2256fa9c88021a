#pragma once
// Everything signalrpp offers, in one include. This file only includes; see each header for what it does.
// In separate-compilation mode (<signalrpp/core/separate_compilation.hpp>) a file that does not compile
// the implementation gets the API only: the machinery at the end (HTTP sessions, transports, WebSocket
// framing, the hub protocols' classes) is compiled by the one file that does.
// The in-memory test stream is not included here: <signalrpp/test/memory_stream.hpp>.

#include <signalrpp/version.hpp>

#include <signalrpp/core/ascii.hpp>
#include <signalrpp/core/asio_coroutines.hpp>
#include <signalrpp/core/base64.hpp>
#include <signalrpp/core/bytes.hpp>
#include <signalrpp/core/define_type.hpp>
#include <signalrpp/core/error.hpp>
#include <signalrpp/core/exception_message.hpp>
#include <signalrpp/core/separate_compilation.hpp>
#include <signalrpp/core/hub_exception.hpp>
#include <signalrpp/core/log.hpp>
#include <signalrpp/core/metrics.hpp>
#include <signalrpp/core/sha1.hpp>
#include <signalrpp/core/utf8.hpp>

#include <signalrpp/json/bytes.hpp>
#include <signalrpp/json/containers.hpp>
#include <signalrpp/json/define_type.hpp>
#include <signalrpp/json/insitu_document.hpp>
#include <signalrpp/json/mappings.hpp>
#include <signalrpp/json/raw_json.hpp>
#include <signalrpp/json/scalars.hpp>
#include <signalrpp/json/serializer.hpp>
#include <signalrpp/json/string_output.hpp>
#include <signalrpp/json/time_point.hpp>
#include <signalrpp/json/value.hpp>
#include <signalrpp/json/writer.hpp>

#include <signalrpp/msgpack/bytes.hpp>
#include <signalrpp/msgpack/containers.hpp>
#include <signalrpp/msgpack/define_type.hpp>
#include <signalrpp/msgpack/format.hpp>
#include <signalrpp/msgpack/mappings.hpp>
#include <signalrpp/msgpack/raw_msgpack.hpp>
#include <signalrpp/msgpack/reader.hpp>
#include <signalrpp/msgpack/scalars.hpp>
#include <signalrpp/msgpack/serializer.hpp>
#include <signalrpp/msgpack/time_point.hpp>
#include <signalrpp/msgpack/writer.hpp>
#include <signalrpp/http/byte_range.hpp>
#include <signalrpp/http/fields.hpp>
#include <signalrpp/http/message.hpp>
#include <signalrpp/http/parser.hpp>
#include <signalrpp/http/query.hpp>
#include <signalrpp/http/status.hpp>

#include <signalrpp/transport/authentication.hpp>
#include <signalrpp/transport/connection.hpp>
#include <signalrpp/transport/connection_handler.hpp>
#include <signalrpp/transport/http_connection_options.hpp>
#include <signalrpp/transport/http_exchange.hpp>
#include <signalrpp/transport/negotiate.hpp>
#include <signalrpp/transport/outbound_message.hpp>
#include <signalrpp/transport/request_snapshot.hpp>
#include <signalrpp/transport/session_executor.hpp>
#include <signalrpp/transport/stream_io.hpp>
#include <signalrpp/transport/transport_link.hpp>
#include <signalrpp/transport/user_identity.hpp>

#include <signalrpp/hub/client_proxy.hpp>
#include <signalrpp/hub/client_result.hpp>
#include <signalrpp/hub/connection_registry.hpp>
#include <signalrpp/hub/group_manager.hpp>
#include <signalrpp/hub/hub.hpp>
#include <signalrpp/hub/hub_caller_context.hpp>
#include <signalrpp/hub/hub_clients.hpp>
#include <signalrpp/hub/hub_context.hpp>
#include <signalrpp/hub/hub_filter.hpp>
#include <signalrpp/hub/hub_instance.hpp>
#include <signalrpp/hub/hub_instance_of.hpp>
#include <signalrpp/hub/hub_options.hpp>
#include <signalrpp/hub/hub_runtime.hpp>
#include <signalrpp/hub/hub_shared_state.hpp>
#include <signalrpp/hub/send_target.hpp>

#include <signalrpp/persistent/persistent_connection.hpp>
#include <signalrpp/persistent/persistent_endpoint.hpp>
#include <signalrpp/persistent/raw_proxy.hpp>

#include <signalrpp/server/cors.hpp>
#include <signalrpp/server/http_session_options.hpp>
#include <signalrpp/server/listener.hpp>
#include <signalrpp/server/prometheus_text.hpp>
#include <signalrpp/server/server.hpp>
#include <signalrpp/server/static_file_options.hpp>

// TLS needs OpenSSL (-lssl -lcrypto), JSON Web Tokens its libcrypto (-lcrypto): opt in.
#if defined(SIGNALRPP_ENABLE_TLS)
#include <signalrpp/server/tls.hpp>
#endif
#if defined(SIGNALRPP_ENABLE_TLS) || defined(SIGNALRPP_ENABLE_JWT)
#include <signalrpp/server/jwt_hs256.hpp>
#endif

#include <signalrpp/protocol/builtin_protocols.hpp>
#include <signalrpp/protocol/hub_message.hpp>
#include <signalrpp/protocol/hub_protocol.hpp>
#include <signalrpp/protocol/protocol_error.hpp>
#include <signalrpp/protocol/serialized_message.hpp>
#include <signalrpp/protocol/value_ref.hpp>
#include <signalrpp/protocol/wire_value.hpp>

#include <signalrpp/reflect/dispatch_table.hpp>
#include <signalrpp/reflect/hub_description.hpp>
#include <signalrpp/reflect/hub_dispatcher.hpp>
#include <signalrpp/reflect/invocation.hpp>
#include <signalrpp/reflect/invocation_errors.hpp>
#include <signalrpp/reflect/invocation_sink.hpp>
#include <signalrpp/reflect/method_invoker.hpp>
#include <signalrpp/reflect/method_traits.hpp>
#include <signalrpp/reflect/stream_reader.hpp>
#include <signalrpp/reflect/stream_writer.hpp>
#include <signalrpp/reflect/upload_channel.hpp>
#include <signalrpp/session/result_callback.hpp>

// The machinery behind server, map_hub and map_connection.
#if defined(SIGNALRPP_DETAIL_COMPILE_IMPLEMENTATION)
#include <signalrpp/core/random_id.hpp>
#include <signalrpp/http/writer.hpp>
#include <signalrpp/websocket/frame.hpp>
#include <signalrpp/websocket/frame_reader.hpp>
#include <signalrpp/websocket/handshake.hpp>
#include <signalrpp/transport/connection_manager.hpp>
#include <signalrpp/transport/event_stream.hpp>
#include <signalrpp/transport/long_poll.hpp>
#include <signalrpp/transport/sse_format.hpp>
#include <signalrpp/transport/websocket_session.hpp>
#include <signalrpp/hub/hub_endpoint.hpp>
#include <signalrpp/hub/hub_heartbeat.hpp>
#include <signalrpp/hub/hub_server_connection.hpp>
#include <signalrpp/session/hub_session.hpp>
#include <signalrpp/session/session_owner.hpp>
#include <signalrpp/server/connection_endpoint.hpp>
#include <signalrpp/server/http_session.hpp>
#include <signalrpp/server/route_result.hpp>
#include <signalrpp/server/router.hpp>
#include <signalrpp/server/session_registry.hpp>
#include <signalrpp/server/static_file_sender.hpp>
#include <signalrpp/server/static_files.hpp>
#include <signalrpp/protocol/binary_framing.hpp>
#include <signalrpp/protocol/handshake.hpp>
#include <signalrpp/protocol/json_hub_parser.hpp>
#include <signalrpp/protocol/json_hub_protocol.hpp>
#include <signalrpp/protocol/json_hub_reader.hpp>
#include <signalrpp/protocol/json_hub_writer.hpp>
#include <signalrpp/protocol/length_prefixed_framing.hpp>
#include <signalrpp/protocol/messagepack_hub_protocol.hpp>
#include <signalrpp/protocol/protocol_choice.hpp>
#include <signalrpp/protocol/record_framing.hpp>
#include <signalrpp/protocol/record_reader.hpp>
#endif
