-- wrk script: each request is the next line of a file, sent once.
-- A line is a path to GET, or "path<TAB>body" to POST (a form).
-- Arguments: the file and the number of threads; thread n sends lines
-- n, n + threads, n + 2 * threads, ... in order.
local counter = 1
local requests = {}
local position = 0

function setup(thread)
  thread:set("thread_number", counter)
  counter = counter + 1
end

function init(args)
  local threads = tonumber(args[2])
  local n = 0
  for line in io.lines(args[1]) do
    if n % threads == thread_number - 1 then
      local path, body = line:match("^([^\t]+)\t(.*)$")
      if path then
        requests[#requests + 1] = wrk.format("POST", path, nil, body)
      else
        requests[#requests + 1] = wrk.format("GET", line)
      end
    end
    n = n + 1
  end
end

-- wrk 4.1 calls request() once on its first thread before it connects,
-- to check the script, and never sends what it gets: without this, that
-- thread's first line would be skipped (an answer never sent, and the next
-- one of that attempt out of order). Seen with a server logging each path.
local probed = false

function request()
  if thread_number == 1 and not probed then
    probed = true
    return requests[1]
  end
  position = position + 1
  if position > #requests then
    -- Out of fresh lines: the run reports how many were sent once.
    position = 1
  end
  return requests[position]
end
