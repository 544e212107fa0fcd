-- wrk script: each request asks for the next page of a file of paths.
-- Arguments: the file and the number of threads; thread n asks for lines
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
  for path in io.lines(args[1]) do
    if n % threads == thread_number - 1 then
      requests[#requests + 1] = wrk.format("GET", path)
    end
    n = n + 1
  end
end

function request()
  position = position + 1
  if position > #requests then
    -- Out of fresh pages: the run reports how many were first views.
    position = 1
  end
  return requests[position]
end
