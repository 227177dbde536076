# Drops a handle and a message 100,000 times and checks that the process's
# resident memory stays flat between 10,000 and 100,000 rounds.
#
# Usage: ruby memory_check.rb [VECTORS_DIR]
require 'scep'

ROUNDS = 100_000
WARMUP = 10_000
TOLERANCE_KB = 1024

def rss_kb
  File.read('/proc/self/status')[/^VmRSS:\s+(\d+)/, 1].to_i
end

def one_round(data)
  handle = SCEP::Handle.new
  msg = handle.parse(data)
  msg.transaction_id
  msg.sender_nonce
  msg.signer_cert
  begin
    msg.fail_info
  rescue SCEP::StateError
    nil
  end
end

vectors = ARGV[0] || ENV.fetch('SCEP_VECTORS')
data = File.binread(File.join(vectors, 'generated/pkcsreq.der'))

WARMUP.times { one_round(data) }
GC.start
after_warmup = rss_kb
(ROUNDS - WARMUP).times { one_round(data) }
GC.start
after_all = rss_kb

growth = after_all - after_warmup
puts "ruby: RSS after #{WARMUP} rounds #{after_warmup} kB, after #{ROUNDS} " \
     "rounds #{after_all} kB, growth #{growth} kB"
if growth > TOLERANCE_KB
  puts "ruby: memory grows by more than #{TOLERANCE_KB} kB"
  exit 1
end
