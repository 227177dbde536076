#!/usr/bin/ruby
# SCEP server side: open a client's PKCSReq and answer it.
#
# Usage: server.rb VECTORS_DIR [REQUEST_FILE]
# Issues the test CA's certificate for libscep-client-1 when the CSR's
# subject matches it, otherwise answers PENDING.
require 'scep'

ISSUED_FOR = '/C=DE/O=libscep-test/CN=libscep-client-1'.freeze

vectors = ARGV.fetch(0)
keys = File.join(vectors, 'peers/captured/keys/micromdm-ca')
ca_cert = File.read("#{keys}/ca.pem")
ca_key = File.read("#{keys}/ca-key-plain.pem")
request = File.binread(ARGV[1] || File.join(vectors, 'generated/pkcsreq.der'))

begin
  handle = SCEP::Handle.new
  msg = handle.unwrap(request, nil, ca_cert, ca_key)
  puts "#{msg.message_type} #{msg.transaction_id} from #{msg.subject}"

  reply =
    if msg.message_type == 'PKCSReq' && msg.subject == ISSUED_FOR
      issued = File.read("#{keys}/issued/libscep-client-1.11.pem")
      handle.create_certificate_reply(ca_key, ca_cert, request, issued)
    else
      handle.create_pending_reply(ca_key, ca_cert, request)
    end
  puts "answer #{handle.parse(reply, ca_cert).pki_status}"
  print reply
rescue SCEP::Error => e
  warn "scep: #{e.message} (#{e.status_name})"
  exit 1
end
